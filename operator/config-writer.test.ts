import { randomBytes } from "node:crypto";
import type { V1Secret } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { localMasterKey } from "../common/crypto/envelope.js";
import { KeyRing } from "../common/crypto/key-ring.js";
import { createLogger } from "../common/log.js";
import type { DraftConfig } from "./compile.js";
import { ConfigWriter, type ConfigWriterTarget } from "./config-writer.js";
import { type FakeSecretsServer, startFakeSecretsServer } from "./fake-secrets-server.js";
import { deploymentOwner } from "./secret-owner.js";

const namespace = "kuberelay-system";
const name = "kuberelay-gateway-config";
const owner = deploymentOwner("kuberelay-operator", "0c6f7c9e-0000-4000-8000-000000000001");
const keys = new KeyRing(localMasterKey(randomBytes(32)));
const log = createLogger("test", { sink: () => {} });
/** Small enough that the drafts below need several shards. */
const shardBytes = 128;

/** A draft whose sealed credentials make the compressed config a few hundred bytes. */
function draft(providers: number): DraftConfig {
  const entries = Array.from({ length: providers }, (_, i) => [
    `team-${i}/openai`,
    { provider: "openai" as const, baseURL: undefined, region: undefined, credential: `sk-${i}` },
  ]);
  return { keys: [], policies: {}, providers: Object.fromEntries(entries) };
}

let server: FakeSecretsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup() {
  server = await startFakeSecretsServer(namespace);
  const fake = server;
  const writer = (target: Partial<ConfigWriterTarget> = {}) =>
    new ConfigWriter(fake.kc, log, keys, { namespace, name, shardBytes, ...target });
  const all = () =>
    [...fake.secrets.values()].sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""));
  return { fake, writer, all };
}

const ownersOf = (secrets: V1Secret[]) => secrets.map((s) => s.metadata?.ownerReferences);
const dataOf = (secrets: V1Secret[]) => secrets.map((s) => [s.metadata?.name, s.data]);

describe("ConfigWriter owner references", () => {
  it("puts the owner on the config Secret and on every shard it writes", async () => {
    const { writer, all } = await setup();
    expect(await writer({ owner }).write(draft(6))).toBe("written");
    const secrets = all();
    expect(secrets.length).toBeGreaterThan(2);
    expect(secrets.map((s) => s.metadata?.name)).toContain(name);
    expect(ownersOf(secrets)).toEqual(secrets.map(() => [owner]));
  });

  it("sets no owner reference when none is configured", async () => {
    const { writer, all } = await setup();
    await writer().write(draft(6));
    expect(ownersOf(all())).toEqual(all().map(() => undefined));
  });

  it("adds the owner to Secrets an older operator wrote, data untouched, other owners kept", async () => {
    const { fake, writer, all } = await setup();
    const old = writer();
    // Two generations: the one the manifest names and the one it replaced (kept for slow readers).
    await old.write(draft(5));
    await old.write(draft(6));
    const other = { apiVersion: "v1", kind: "ConfigMap", name: "someone", uid: "u-other" };
    const main = fake.secrets.get(name);
    if (main?.metadata) main.metadata.ownerReferences = [other];
    const before = dataOf(all());

    const current = writer({ owner });
    expect(await current.write(draft(6))).toBe("unchanged");
    const secrets = all();
    expect(dataOf(secrets)).toEqual(before);
    for (const s of secrets) {
      const expected = s.metadata?.name === name ? [other, owner] : [owner];
      expect(s.metadata?.ownerReferences, s.metadata?.name).toEqual(expected);
    }
    // Once per process: the next unchanged write touches nothing.
    const replaces = fake.requests.filter((r) => r.startsWith("PUT")).length;
    expect(await current.write(draft(6))).toBe("unchanged");
    expect(fake.requests.filter((r) => r.startsWith("PUT")).length).toBe(replaces);
  });

  it("replaces a reference to an earlier Deployment of the same name", async () => {
    const { writer, all } = await setup();
    await writer({ owner: deploymentOwner(owner.name, "uid-before-recreate") }).write(draft(1));
    await writer({ owner }).write(draft(1));
    expect(ownersOf(all())).toEqual(all().map(() => [owner]));
  });
});
