/**
 * A config larger than one Secret may hold is split into shard Secrets behind a manifest;
 * gateways load one whole generation or keep the last. The operator is told to shard above
 * 1 KiB so a few dozen RelayKeys are enough to make it happen on a real API server.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONFIG_MANIFEST_KEY, CONFIG_SECRET_KEY } from "../common/names.js";
import { readConfigSecret } from "./harness/config-secret.js";
import { waitForKeyOnGateway } from "./harness/issued-relay-key.js";
import { type GatewayHandle, type Stack, SYSTEM_NAMESPACE, startStack } from "./harness/kuberelay-stack.js";
import { applyQuickstart } from "./harness/quickstart-manifests.js";

const NS = "team-shards";
const KEYS = 40;
let stack: Stack;

const relayKeyYaml = (name: string, disabled = false) => `apiVersion: kuberelay.dev/v1alpha1
kind: RelayKey
metadata:
  name: ${name}
  namespace: ${NS}
spec:
  policyRef:
    name: default
  secretName: ${name}-relay-key
  disabled: ${disabled}
`;

async function configSecretData(): Promise<Record<string, string>> {
  return (await readConfigSecret(stack.cp)).secret.data ?? {};
}

async function manifest(): Promise<{ slot: string; shards: Array<{ name: string }> } | undefined> {
  const data = await configSecretData();
  const encoded = data[CONFIG_MANIFEST_KEY];
  return encoded ? JSON.parse(Buffer.from(encoded, "base64").toString("utf8")) : undefined;
}

/** The shard Secrets that exist, whatever manifest names them. */
async function shardSecrets(): Promise<string[]> {
  const { stdout } = await stack.cp.kubectl([
    "get",
    "secrets",
    "-n",
    SYSTEM_NAMESPACE,
    "-l",
    "app.kubernetes.io/component=gateway-config-shard",
    "-o",
    "name",
  ]);
  return stdout.split("\n").filter(Boolean);
}

async function keyOf(name: string): Promise<string> {
  const { stdout } = await stack.cp.kubectl([
    "get",
    "secret",
    "-n",
    NS,
    `${name}-relay-key`,
    "-o",
    "jsonpath={.data.key}",
  ]);
  return Buffer.from(stdout, "base64").toString("utf8");
}

async function status(gw: GatewayHandle, key: string): Promise<number> {
  const res = await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
  await res.arrayBuffer();
  return res.status;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(100);
  }
}

const refusals = () =>
  stack.gateways.flatMap((g) => g.proc.lines.filter((l) => l.msg?.startsWith("config refused")));

beforeAll(async () => {
  stack = await startStack({ gateways: 2, operatorArgs: ["--config-shard-bytes", "1024"] });
  await applyQuickstart(stack, NS);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

describe("config sharding", () => {
  const names = Array.from({ length: KEYS }, (_, i) => `k${i}`);
  const keys = new Map<string, string>();

  it("splits a large config into shard Secrets and every gateway serves every key", async () => {
    await stack.cp.kubectl(["apply", "-f", "-"], names.map((n) => relayKeyYaml(n)).join("---\n"));
    await stack.cp.kubectl(["wait", "--for=condition=Ready", "--timeout=90s", "-n", NS, "relaykey", "--all"]);
    for (const n of names) keys.set(n, await keyOf(n));
    await until("the config is sharded", async () => (await manifest()) !== undefined);
    const m = await manifest();
    expect(m?.shards.length).toBeGreaterThanOrEqual(2);
    expect(await configSecretData()).not.toHaveProperty(CONFIG_SECRET_KEY);
    for (const shard of m?.shards ?? []) {
      const { stdout } = await stack.cp.kubectl([
        "get",
        "secret",
        "-n",
        SYSTEM_NAMESPACE,
        shard.name,
        "-o",
        "name",
      ]);
      expect(stdout.trim()).toBe(`secret/${shard.name}`);
    }
    for (const gw of stack.gateways) {
      for (const key of keys.values()) await waitForKeyOnGateway(gw, key);
    }
    const applied = stack.gateways.map((g) => g.proc.lines.filter((l) => l.msg === "config applied").at(-1));
    for (const line of applied) expect(Number(line?.bytes)).toBeGreaterThan(1024);
  }, 180_000);

  it("a change writes the next generation into the other slot; the old one keeps serving until then", async () => {
    const before = await manifest();
    const victim = keys.get("k0") ?? "";
    await stack.cp.kubectl(["delete", "relaykey", "-n", NS, "k0"]);
    for (const gw of stack.gateways)
      await until("k0 is refused", async () => (await status(gw, victim)) === 401);
    const after = await manifest();
    expect(after?.slot).not.toBe(before?.slot);
    for (const gw of stack.gateways) expect(await status(gw, keys.get("k1") ?? "")).toBe(200);
  }, 60_000);

  it("under churn, gateways never apply a mixed generation and never refuse one", async () => {
    const probe = keys.get("k1") ?? "";
    const flips = names.slice(2, 12);
    let failures = 0;
    let probing = true;
    const prober = (async () => {
      while (probing) {
        for (const gw of stack.gateways) if ((await status(gw, probe)) !== 200) failures++;
      }
    })();
    for (let round = 0; round < 4; round++) {
      const disabled = round % 2 === 0;
      await stack.cp.kubectl(["apply", "-f", "-"], flips.map((n) => relayKeyYaml(n, disabled)).join("---\n"));
      const flipped = keys.get(flips[0] ?? "") ?? "";
      for (const gw of stack.gateways) {
        await until(
          `round ${round} reaches ${gw.url}`,
          async () => (await status(gw, flipped)) === (disabled ? 401 : 200),
        );
      }
    }
    probing = false;
    await prober;
    expect(failures).toBe(0);
    expect(refusals()).toEqual([]);
    // Only the live generation and the one before it exist: every other shard was deleted.
    const live = (await manifest())?.shards.length ?? 0;
    expect((await shardSecrets()).length).toBeLessThanOrEqual(2 * live);
  }, 120_000);

  it("shrinks back to one Secret when the config fits again", async () => {
    await stack.cp.kubectl(["delete", "relaykey", "-n", NS, ...names.slice(2)]);
    await until(
      "the config is inline again",
      async () => (await configSecretData())[CONFIG_SECRET_KEY] !== undefined,
    );
    expect(await manifest()).toBeUndefined();
    const last = keys.get("k1") ?? "";
    for (const gw of stack.gateways) {
      await until("a deleted key is refused", async () => (await status(gw, keys.get("k5") ?? "")) === 401);
      expect(await status(gw, last)).toBe(200);
    }
    expect(refusals()).toEqual([]);
    // The sharded generation it replaced stays for gateways still reading it; the next write
    // deletes it, and no shard Secret is left behind.
    await stack.cp.kubectl(["apply", "-f", "-"], relayKeyYaml("after-shrink"));
    await until("no shard Secret is left", async () => (await shardSecrets()).length === 0);
    expect(stack.operator.lines.filter((l) => l.msg === "stale config shards deleted")).not.toEqual([]);
    expect(stack.operator.lines.filter((l) => l.msg?.startsWith("stale config shards not deleted"))).toEqual(
      [],
    );
  }, 60_000);
});
