import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CONFIG_MANIFEST_KEY, CONFIG_SECRET_KEY, CONFIG_SHARD_KEY } from "../names.js";
import {
  ConfigTooLargeError,
  configBytesFromSecret,
  MAX_SHARDS,
  otherSlot,
  planShards,
  ShardMismatchError,
  type ShardPlan,
  staleShardNames,
} from "./config-shards.js";

const b64 = (b: Buffer) => b.toString("base64");

/** Shard Secrets as the API would hold them after `plans` were written in order. */
function store(...plans: ShardPlan[]): Map<string, Record<string, string>> {
  const secrets = new Map<string, Record<string, string>>();
  for (const plan of plans) {
    for (const s of plan.shards) secrets.set(s.name, { [CONFIG_SHARD_KEY]: b64(s.bytes) });
  }
  return secrets;
}

const manifestData = (plan: ShardPlan) => ({
  [CONFIG_MANIFEST_KEY]: b64(Buffer.from(JSON.stringify(plan.manifest))),
});

describe("config shards", () => {
  it("splits a document into fixed-name shards of the slot and joins them back", async () => {
    const doc = randomBytes(2500);
    const plan = planShards("cfg", doc, "b", 1000);
    expect(plan.shards.map((s) => s.name)).toEqual(["cfg-b-0", "cfg-b-1", "cfg-b-2"]);
    expect(plan.shards.map((s) => s.bytes.length)).toEqual([1000, 1000, 500]);
    const secrets = store(plan);
    const joined = await configBytesFromSecret(manifestData(plan), async (n) => secrets.get(n));
    expect(joined?.equals(doc)).toBe(true);
  });

  it("reads an inline config without fetching anything", async () => {
    const doc = randomBytes(10);
    const fetched: string[] = [];
    const bytes = await configBytesFromSecret({ [CONFIG_SECRET_KEY]: b64(doc) }, async (n) => {
      fetched.push(n);
      return undefined;
    });
    expect(bytes?.equals(doc)).toBe(true);
    expect(fetched).toEqual([]);
    expect(await configBytesFromSecret({}, async () => undefined)).toBeUndefined();
  });

  it("refuses a manifest whose shards hold another generation, or are missing", async () => {
    const older = planShards("cfg", randomBytes(2500), "a", 1000);
    const newer = planShards("cfg", randomBytes(2500), "a", 1000);
    // The newer generation was written over the same slot while the older manifest was read.
    const secrets = store(older, newer);
    await expect(configBytesFromSecret(manifestData(older), async (n) => secrets.get(n))).rejects.toThrow(
      ShardMismatchError,
    );
    const partial = store(older);
    partial.delete("cfg-a-2");
    await expect(configBytesFromSecret(manifestData(older), async (n) => partial.get(n))).rejects.toThrow(
      /cfg-a-2/,
    );
  });

  it("keeps the live generation readable while the next one is written into the other slot", async () => {
    const live = planShards("cfg", randomBytes(3000), "a", 1000);
    const next = planShards("cfg", randomBytes(5000), otherSlot(live.manifest.slot), 1000);
    const secrets = store(live, next);
    const bytes = await configBytesFromSecret(manifestData(live), async (n) => secrets.get(n));
    expect(bytes?.length).toBe(3000);
    expect(next.manifest.slot).toBe("b");
    expect(otherSlot(undefined)).toBe("a");
  });

  it("refuses a document larger than the shards can hold, with the sizes in the message", () => {
    expect(() => planShards("cfg", Buffer.alloc(MAX_SHARDS * 10 + 1), "a", 10)).toThrow(ConfigTooLargeError);
    expect(() => planShards("cfg", Buffer.alloc(MAX_SHARDS * 10 + 1), "a", 10)).toThrow(/161 bytes/);
  });

  it("refuses a manifest that is not JSON or not a manifest", async () => {
    await expect(
      configBytesFromSecret({ [CONFIG_MANIFEST_KEY]: b64(Buffer.from("{")) }, async () => undefined),
    ).rejects.toThrow(/not JSON/);
    await expect(
      configBytesFromSecret({ [CONFIG_MANIFEST_KEY]: b64(Buffer.from('{"v":2}')) }, async () => undefined),
    ).rejects.toThrow(/invalid/);
  });
});

describe("staleShardNames", () => {
  const cfg = "kuberelay-gateway-config";
  it("keeps what the new and the replaced manifest name, and drops every other shard of this config", () => {
    const existing = ["a-0", "a-1", "a-2", "b-0", "b-1", "b-2", "b-3"].map((s) => `${cfg}-${s}`);
    const keep = new Set([`${cfg}-b-0`, `${cfg}-b-1`, `${cfg}-a-0`, `${cfg}-a-1`, `${cfg}-a-2`]);
    expect(staleShardNames(cfg, existing, keep)).toEqual([`${cfg}-b-2`, `${cfg}-b-3`]);
  });

  it("never names a Secret that is not one of this config's shards", () => {
    const existing = [cfg, `${cfg}-a-16`, `${cfg}-c-0`, `other-a-0`, `${cfg}-a-0`];
    expect(staleShardNames(cfg, existing, new Set())).toEqual([`${cfg}-a-0`]);
  });
});
