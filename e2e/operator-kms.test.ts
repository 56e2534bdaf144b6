/**
 * Provider credentials under a rotating key-encryption key, on a real kube-apiserver:
 * master-key rotation A → B with gateways serving throughout, then the move from the local key
 * to KMS (a KMS-compatible mock with SigV4 and key policies), a gateway whose principal the key
 * policy denies, how many KMS calls a config reload costs, and the move from one KMS key to another.
 */
import { randomBytes } from "node:crypto";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeConfig } from "../common/config/config-codec.js";
import type { GatewayConfig } from "../common/config/gateway-config.js";
import { localKeyId } from "../common/crypto/envelope.js";
import { CONFIG_SECRET_KEY } from "../common/names.js";
import { readConfigSecret } from "./harness/config-secret.js";
import { applyRelayKey, issuedRelayKey, waitRelayKeyReady } from "./harness/issued-relay-key.js";
import type { KuberelayProcess } from "./harness/kuberelay-process.js";
import { type GatewayHandle, type Stack, startStack } from "./harness/kuberelay-stack.js";
import { startOperator } from "./harness/operator-process.js";
import { applyQuickstart } from "./harness/quickstart-manifests.js";
import { waitFor } from "./harness/wait-for.js";
import { type MockKms, startMockKms } from "./mock-kms/server.js";

const REGION = "eu-central-1";
const KMS_KEY_ID = "6d1f0b7e-4c2a-4f1e-9a53-kuberelay01";
/** The key a later test moves to, as a team moving to another account's key would. */
const KMS_KEY_ID_NEXT = "0b9c2a41-7e3d-4d8f-b1a6-kuberelay02";
const PRINCIPALS = {
  AKIAKROPERATOR: randomBytes(20).toString("hex"),
  AKIAKRGATEWAY: randomBytes(20).toString("hex"),
  AKIAKRDENIED: randomBytes(20).toString("hex"),
};
const keyA = randomBytes(32).toString("base64");
const keyB = randomBytes(32).toString("base64");
const idOf = (key: string) => localKeyId(Buffer.from(key, "base64"));

let stack: Stack;
let kms: MockKms;
let relayKey = "";
/** Operators this file started itself (the stack stops only its own). */
const operators: KuberelayProcess[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const kmsEnv = (principal: keyof typeof PRINCIPALS) => ({
  KUBERELAY_KMS_KEY_ID: KMS_KEY_ID,
  KUBERELAY_KMS_ENDPOINT: kms.url,
  AWS_REGION: REGION,
  AWS_ACCESS_KEY_ID: principal,
  AWS_SECRET_ACCESS_KEY: PRINCIPALS[principal],
  AWS_EC2_METADATA_DISABLED: "true",
});

/** The config Secret as the gateways read it. */
async function configSecret(): Promise<{ rv: string; raw: string; config: GatewayConfig }> {
  const { secret, json } = await readConfigSecret(stack.cp);
  const data = secret.data?.[CONFIG_SECRET_KEY] ?? "";
  const config = decodeConfig(Buffer.from(data, "base64"));
  return { rv: secret.metadata?.resourceVersion ?? "", raw: `${json}\n${JSON.stringify(config)}`, config };
}

const kekIds = (config: GatewayConfig) =>
  [...new Set(Object.values(config.providers).map((p) => p.credential?.kek))].sort();

/** The generation a gateway serves, from /readyz; undefined while it has none. */
async function servedGeneration(gw: GatewayHandle): Promise<string | undefined> {
  const res = await fetch(`${gw.metricsUrl}/readyz`);
  const text = await res.text();
  return res.status === 200 ? /generation=(\S+)/.exec(text)?.[1] : undefined;
}

const waitServing = (gw: GatewayHandle, rv: string) =>
  waitFor(`${gw.proc.name} serving generation ${rv}`, async () =>
    (await servedGeneration(gw)) === rv ? true : undefined,
  );

async function chat(gw: GatewayHandle, content = "hello kms"): Promise<string> {
  const client = new OpenAI({ apiKey: relayKey, baseURL: `${gw.url}/v1`, maxRetries: 0, timeout: 10_000 });
  const completion = await client.chat.completions.create({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content }],
  });
  return completion.choices[0]?.message.content ?? "";
}

/** Requests one after another against `gateways` until stopped: every outcome counted. */
function steadyTraffic(gateways: GatewayHandle[]) {
  let running = true;
  const outcomes = { ok: 0, failed: [] as string[] };
  const done = (async () => {
    for (let i = 0; running; i++) {
      const gw = gateways[i % gateways.length];
      if (!gw) break;
      try {
        const text = await chat(gw, `tick ${i}`);
        if (text === `echo: tick ${i}`) outcomes.ok++;
        else outcomes.failed.push(`${gw.proc.name}: ${text}`);
      } catch (err) {
        outcomes.failed.push(`${gw.proc.name}: ${String(err)}`);
      }
      await sleep(25);
    }
  })();
  return {
    outcomes,
    stop: async () => {
      running = false;
      await done;
      return outcomes;
    },
  };
}

const callsBy = (principal: string, operation?: string) =>
  kms.calls.filter(
    (c) => c.principal === principal && (operation === undefined || c.operation === operation),
  );

beforeAll(async () => {
  kms = await startMockKms({
    region: REGION,
    principals: PRINCIPALS,
    keys: [
      {
        keyId: KMS_KEY_ID,
        policy: {
          AKIAKROPERATOR: ["GenerateDataKey", "Encrypt", "Decrypt"],
          AKIAKRGATEWAY: ["Decrypt"],
        },
      },
      {
        keyId: KMS_KEY_ID_NEXT,
        policy: {
          AKIAKROPERATOR: ["GenerateDataKey", "Encrypt", "Decrypt"],
          AKIAKRGATEWAY: ["Decrypt"],
        },
      },
    ],
  });
  stack = await startStack({
    gateways: 2,
    operatorEnv: { KUBERELAY_MASTER_KEY: keyA },
    gatewayEnv: { KUBERELAY_MASTER_KEY: keyA },
  });
}, 240_000);

afterAll(async () => {
  const extra = await Promise.all(operators.map((p) => p.stop()));
  const exitCodes = stack ? await Promise.all(stack.processes().map((p) => p.stop())) : [];
  await stack?.stop();
  await kms?.close();
  expect([...extra, ...exitCodes].every((c) => c === 0)).toBe(true);
});

/** An operator's kuberelay_operator_config_envelopes, as { kek id: count }. */
async function envelopesByKek(operator: KuberelayProcess): Promise<Record<string, number>> {
  const started = await operator.waitForLine((l) => l.msg === "started");
  const metrics = await (await fetch(`http://127.0.0.1:${started.metricsPort}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const m of metrics.matchAll(/^kuberelay_operator_config_envelopes\{kek="([^"]+)"\} (\d+)$/gm)) {
    counts[m[1] ?? ""] = Number(m[2]);
  }
  return counts;
}

/** A gateway's own count of KMS requests (kuberelay_gateway_kms_requests_total). */
async function kmsRequests(gw: GatewayHandle, operation: string, outcome: "ok" | "error"): Promise<number> {
  const metrics = await (await fetch(`${gw.metricsUrl}/metrics`)).text();
  const prefix = `kuberelay_gateway_kms_requests_total{operation="${operation}",outcome="${outcome}"} `;
  const line = metrics.split("\n").find((l) => l.startsWith(prefix));
  return line ? Number(line.slice(prefix.length)) : 0;
}

describe("master-key rotation", () => {
  it("seals provider credentials under key A, named by its fingerprint", async () => {
    await applyQuickstart(stack, "team-a");
    relayKey = await issuedRelayKey(stack, "team-a", "app", "app-relay-key");
    const { config, raw } = await configSecret();
    expect(kekIds(config)).toEqual([idOf(keyA)]);
    expect(raw).not.toContain(stack.providerSecret);
    for (const gw of stack.gateways)
      expect(await waitFor("a completion", () => chat(gw))).toBe("echo: hello kms");
  });

  it("re-wraps every envelope under key B while gateways holding A and B keep serving", async () => {
    // Step 1: gateways get both keys (here: two new gateways; the old ones keep only A).
    const both = { KUBERELAY_MASTER_KEY: keyB, KUBERELAY_MASTER_KEY_PREVIOUS: keyA };
    const ringGateways = [await stack.addGateway(both), await stack.addGateway(both)];
    for (const gw of ringGateways) {
      const loaded = await gw.proc.waitForLine((l) => l.msg === "key-encryption keys loaded");
      expect(loaded.unwrapKeys).toEqual([idOf(keyB), idOf(keyA)]);
      // The same, where a person checks step 1 across every gateway: the metrics.
      const metrics = await (await fetch(`${gw.metricsUrl}/metrics`)).text();
      const held = [...metrics.matchAll(/^kuberelay_gateway_key_encryption_keys\{kek="([^"]+)"\} 1$/gm)];
      expect(held.map((m) => m[1]).sort()).toEqual([idOf(keyA), idOf(keyB)].sort());
    }
    const before = await configSecret();
    for (const gw of ringGateways) await waitServing(gw, before.rv);

    const traffic = steadyTraffic(ringGateways);
    await waitFor("traffic flowing", async () => (traffic.outcomes.ok >= 5 ? true : undefined));
    // Step 2: the operator seals with B and still holds A to unwrap.
    const [first, ...rest] = stack.operators;
    expect(rest).toEqual([]);
    expect(await first?.stop()).toBe(0);
    const switchedAt = performance.now();
    const operatorB = await startOperator(stack, "operator-b", both);
    operators.push(operatorB);
    await operatorB.waitForLine((l) => l.msg === "gateway config re-wrapped under the current key");
    const after = await configSecret();
    expect(after.rv).not.toBe(before.rv);
    expect(kekIds(after.config)).toEqual([idOf(keyB)]);
    // What tells a person the operator's part is done: no envelope left under A.
    const sealed = Object.values(after.config.providers).filter((p) => p.credential).length;
    expect(await envelopesByKek(operatorB)).toEqual({ [idOf(keyB)]: sealed });
    // Re-wrapped, not re-encrypted: the credential's ciphertext is byte for byte the same.
    for (const [id, p] of Object.entries(after.config.providers)) {
      expect(p.credential?.ciphertext).toBe(before.config.providers[id]?.credential?.ciphertext);
      expect(p.credential?.wrappedKey).not.toBe(before.config.providers[id]?.credential?.wrappedKey);
    }
    // Step 3: every gateway with both keys applies it.
    const rewrappedAt = performance.now();
    for (const gw of ringGateways) await waitServing(gw, after.rv);
    const appliedAt = performance.now();
    const outcomes = await traffic.stop();
    const at = (msg: string) => {
      const line = operatorB.lines.find((l) => l.msg === msg);
      return line ? new Date(String(line.time)).getTime() : Number.NaN;
    };
    console.log(
      `operator-b log: started → leading ${at("leading") - at("started")} ms, ` +
        `leading → re-wrapped ${at("gateway config re-wrapped under the current key") - at("leading")} ms`,
    );
    console.log(
      `rotation A→B under traffic: ${outcomes.ok} requests succeeded, ${outcomes.failed.length} failed; ` +
        `operator start → config re-wrapped ${Math.round(rewrappedAt - switchedAt)} ms, ` +
        `→ both gateways serving it ${Math.round(appliedAt - switchedAt)} ms`,
    );
    expect(outcomes.failed).toEqual([]);
    expect(outcomes.ok).toBeGreaterThan(5);

    // A gateway that was never given B refuses the new config and keeps serving the last good one.
    const stale = stack.gateways[0];
    if (!stale) throw new Error("no first gateway");
    const refusal = await stale.proc.waitForLine(
      (l) => l.msg === "config refused; keeping the last good config" && l.generation === after.rv,
    );
    const why = JSON.stringify(refusal.error);
    expect(why).toContain(
      `sealed with key-encryption key \\"${idOf(keyB)}\\", which this process does not hold`,
    );
    expect(await servedGeneration(stale)).toBe(before.rv);
    expect(await chat(stale)).toBe("echo: hello kms");

    // Step 4: a gateway with only B works.
    const onlyB = await stack.addGateway({ KUBERELAY_MASTER_KEY: keyB });
    await waitServing(onlyB, after.rv);
    expect(await chat(onlyB)).toBe("echo: hello kms");
    const upstream = stack.mock.requests.filter((r) => r.path === "/v1/chat/completions");
    for (const r of upstream) expect(r.headers.authorization).toBe(`Bearer ${stack.providerSecret}`);
  });
});

describe("AWS KMS key-encryption key", () => {
  let kmsGateway: GatewayHandle;
  let operatorKms: KuberelayProcess;

  it("moves from the local key to KMS: the operator re-wraps with Encrypt, a Decrypt-only gateway serves", async () => {
    // The gateway holds the KMS key (Decrypt only) and key B, so it reads the config before and after.
    kmsGateway = await stack.addGateway({ ...kmsEnv("AKIAKRGATEWAY"), KUBERELAY_MASTER_KEY: keyB });
    const before = await configSecret();
    await waitServing(kmsGateway, before.rv);

    const previous = operators.pop();
    expect(await previous?.stop()).toBe(0);
    operatorKms = await startOperator(stack, "operator-kms", {
      ...kmsEnv("AKIAKROPERATOR"),
      KUBERELAY_MASTER_KEY: keyB,
    });
    operators.push(operatorKms);
    const started = await operatorKms.waitForLine((l) => l.msg === "started");
    expect(started.sealingKey).toBe(`kms:${KMS_KEY_ID}`);
    await operatorKms.waitForLine((l) => l.msg === "gateway config re-wrapped under the current key");

    const after = await configSecret();
    expect(kekIds(after.config)).toEqual([`kms:${KMS_KEY_ID}`]);
    expect(after.raw).not.toContain(stack.providerSecret);
    const providers = Object.keys(after.config.providers).length;
    expect(callsBy("AKIAKROPERATOR", "Encrypt").filter((c) => c.outcome === "ok")).toHaveLength(providers);

    await waitServing(kmsGateway, after.rv);
    expect(await chat(kmsGateway, "through kms")).toBe("echo: through kms");
    const last = stack.mock.requests.filter((r) => r.path === "/v1/chat/completions").at(-1);
    expect(last?.headers.authorization).toBe(`Bearer ${stack.providerSecret}`);
    expect(callsBy("AKIAKRGATEWAY", "Decrypt").map((c) => c.outcome)).toEqual(Array(providers).fill("ok"));
  });

  it("a gateway whose principal the key policy denies refuses the config and stays not ready", async () => {
    const { rv } = await configSecret();
    const denied = await stack.addGateway({ ...kmsEnv("AKIAKRDENIED"), KUBERELAY_MASTER_KEY: "" });
    const refusal = await denied.proc.waitForLine(
      (l) => l.msg === "config refused; keeping the last good config" && l.generation === rv,
    );
    const error = JSON.stringify(refusal.error);
    console.log(`denied gateway logged: ${error}`);
    expect(error).toMatch(/KMS Decrypt with key .* failed: AccessDeniedException: .*kms:Decrypt/);
    const res = await fetch(`${denied.metricsUrl}/readyz`);
    expect(res.status).toBe(503);
    await res.arrayBuffer();
    const call = await fetch(`${denied.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${relayKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }),
    });
    expect(call.status).not.toBe(200);
    await call.arrayBuffer();
    expect(callsBy("AKIAKRDENIED", "Decrypt").every((c) => c.outcome === "AccessDeniedException")).toBe(true);
    // The refusal shows in the gateway's KMS metrics too, before anyone reads its log.
    expect(await kmsRequests(denied, "Decrypt", "error")).toBeGreaterThanOrEqual(1);
    expect(await kmsRequests(denied, "Decrypt", "ok")).toBe(0);
    expect(await denied.proc.stop()).toBe(0);
  });

  it("a config reload with unchanged envelopes costs no KMS call; a new credential costs one each side", async () => {
    const gatewayDecrypts = () => callsBy("AKIAKRGATEWAY", "Decrypt").length;
    const operatorCalls = () => callsBy("AKIAKROPERATOR").length;

    // A second RelayKey: the config changes, every provider envelope stays as it was.
    const decrypts0 = gatewayDecrypts();
    const operator0 = operatorCalls();
    const metricDecrypts0 = await kmsRequests(kmsGateway, "Decrypt", "ok");
    await applyRelayKey(stack, "team-a", "app2", { policy: "default", secretName: "app2-relay-key" });
    await waitRelayKeyReady(stack, "team-a", "app2");
    const reload = await waitFor("the new RelayKey in the config", async () => {
      const s = await configSecret();
      return s.config.keys.length === 2 ? s : undefined;
    });
    await waitServing(kmsGateway, reload.rv);
    const reloadDecrypts = gatewayDecrypts() - decrypts0;
    const reloadOperatorCalls = operatorCalls() - operator0;
    console.log(
      `config reload, unchanged envelopes: gateway KMS Decrypt calls ${reloadDecrypts}, operator KMS calls ${reloadOperatorCalls}`,
    );
    expect(reloadDecrypts).toBe(0);
    expect(reloadOperatorCalls).toBe(0);
    expect(await kmsRequests(kmsGateway, "Decrypt", "ok")).toBe(metricDecrypts0);

    // A new provider credential: one GenerateDataKey at the operator, one Decrypt per gateway.
    const generate0 = callsBy("AKIAKROPERATOR", "GenerateDataKey").length;
    const decrypts1 = gatewayDecrypts();
    await applyQuickstart(stack, "team-b");
    const grown = await waitFor("team-b's provider and key in the config", async () => {
      const s = await configSecret();
      const sealed = Object.values(s.config.providers).filter((p) => p.credential).length;
      return sealed === 2 && s.config.keys.length === 3 ? s : undefined;
    });
    await waitServing(kmsGateway, grown.rv);
    const generated = callsBy("AKIAKROPERATOR", "GenerateDataKey").slice(generate0);
    console.log(
      `new provider credential: operator GenerateDataKey calls ${generated.length}, gateway Decrypt calls ${gatewayDecrypts() - decrypts1}`,
    );
    expect(generated.map((c) => c.outcome)).toEqual(["ok"]);
    expect(gatewayDecrypts() - decrypts1).toBe(1);
    expect(await kmsRequests(kmsGateway, "Decrypt", "ok")).toBe(metricDecrypts0 + 1);
    expect(kekIds(grown.config)).toEqual([`kms:${KMS_KEY_ID}`]);
    expect(grown.raw).not.toContain(stack.providerSecret);
    expect(await chat(kmsGateway, "still kms")).toBe("echo: still kms");
  });

  it("moves from one KMS key to another: Decrypt on the old, Encrypt on the new; a gateway holding only the old keeps its last config", async () => {
    // Step 1: a gateway that can also unwrap the next key.
    const moving = await stack.addGateway({
      ...kmsEnv("AKIAKRGATEWAY"),
      KUBERELAY_KMS_KEY_ID_PREVIOUS: KMS_KEY_ID_NEXT,
      KUBERELAY_MASTER_KEY: keyB,
    });
    const before = await configSecret();
    await waitServing(moving, before.rv);
    expect(kekIds(before.config)).toEqual([`kms:${KMS_KEY_ID}`]);

    // Step 2: the operator seals with the next key and only unwraps the old one.
    const mark = kms.calls.length;
    const previous = operators.pop();
    expect(await previous?.stop()).toBe(0);
    const operator = await startOperator(stack, "operator-kms-next", {
      ...kmsEnv("AKIAKROPERATOR"),
      KUBERELAY_KMS_KEY_ID: KMS_KEY_ID_NEXT,
      KUBERELAY_KMS_KEY_ID_PREVIOUS: KMS_KEY_ID,
      KUBERELAY_MASTER_KEY: keyB,
    });
    operators.push(operator);
    const started = await operator.waitForLine((l) => l.msg === "started");
    expect(started.sealingKey).toBe(`kms:${KMS_KEY_ID_NEXT}`);
    expect(started.unwrapKeys).toContain(`kms:${KMS_KEY_ID}`);
    await operator.waitForLine((l) => l.msg === "gateway config re-wrapped under the current key");

    const after = await configSecret();
    expect(kekIds(after.config)).toEqual([`kms:${KMS_KEY_ID_NEXT}`]);
    expect(after.raw).not.toContain(stack.providerSecret);
    const sealed = Object.values(after.config.providers).filter((p) => p.credential).length;
    expect(await envelopesByKek(operator)).toEqual({ [`kms:${KMS_KEY_ID_NEXT}`]: sealed });
    const operatorCalls = kms.calls
      .slice(mark)
      .filter((c) => c.principal === "AKIAKROPERATOR")
      .map((c) => `${c.operation} ${c.keyId === KMS_KEY_ID ? "old" : "next"} ${c.outcome}`)
      .sort();
    expect(operatorCalls).toEqual([
      ...Array(sealed).fill("Decrypt old ok"),
      ...Array(sealed).fill("Encrypt next ok"),
    ]);

    await waitServing(moving, after.rv);
    expect(await chat(moving, "through the next key")).toBe("echo: through the next key");
    // The gateway that holds only the old key cannot open the new envelopes: it says so and
    // keeps serving the config it has (step 1 is what prevents this in a real move).
    const refusal = await kmsGateway.proc.waitForLine(
      (l) => l.msg === "config refused; keeping the last good config" && l.generation === after.rv,
    );
    expect(JSON.stringify(refusal.error)).toContain(`kms:${KMS_KEY_ID_NEXT}`);
    expect(await chat(kmsGateway, "still the old config")).toBe("echo: still the old config");
  });

  it("never logs a provider credential or a master key", () => {
    for (const proc of [...stack.processes(), ...operators]) {
      const out = proc.output();
      expect(out).not.toContain(stack.providerSecret);
      expect(out).not.toContain(keyA);
      expect(out).not.toContain(keyB);
      for (const secret of Object.values(PRINCIPALS)) expect(out).not.toContain(secret);
    }
  });
});
