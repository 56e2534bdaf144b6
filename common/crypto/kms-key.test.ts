import { randomBytes } from "node:crypto";
import { KMSClient } from "@aws-sdk/client-kms";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockKms, startMockKms } from "../../e2e/mock-kms/server.js";
import { DataKeyCache } from "./data-key-cache.js";
import { localMasterKey, open, seal } from "./envelope.js";
import { KeyRing } from "./key-ring.js";
import { keyRingFromEnv } from "./keys-from-env.js";
import { KMS_CONTEXT_KEY, type KmsCallObserver, kmsKey, observedKms } from "./kms-key.js";
import { kmsMetrics } from "./kms-metrics.js";
import { rewrap } from "./rewrap.js";

const region = "us-east-2";
const keyId = "kms-key-1";
const nextKeyId = "kms-key-2";

describe("KMS key-encryption key (against the mock KMS)", () => {
  let kms: MockKms;
  const client = (accessKeyId: string) =>
    new KMSClient({
      region,
      endpoint: kms.url,
      credentials: { accessKeyId, secretAccessKey: `${accessKeyId}-secret` },
      maxAttempts: 1,
    });

  beforeAll(async () => {
    kms = await startMockKms({
      region,
      principals: { OPERATOR: "OPERATOR-secret", GATEWAY: "GATEWAY-secret", DENIED: "DENIED-secret" },
      keys: [
        { keyId, policy: { OPERATOR: ["GenerateDataKey", "Encrypt", "Decrypt"], GATEWAY: ["Decrypt"] } },
        {
          keyId: nextKeyId,
          policy: { OPERATOR: ["GenerateDataKey", "Encrypt", "Decrypt"], GATEWAY: ["Decrypt"] },
        },
      ],
    });
  });
  afterAll(() => kms.close());

  it("seals with GenerateDataKey bound to the provider and opens with Decrypt", async () => {
    const before = kms.calls.length;
    const env = await seal(kmsKey(client("OPERATOR"), keyId), "sk-kms-secret", "team-a/openai");
    expect(env.kek).toBe(`kms:${keyId}`);
    expect(JSON.stringify(env)).not.toContain("sk-kms-secret");
    expect(await open(kmsKey(client("GATEWAY"), keyId), env, "team-a/openai")).toBe("sk-kms-secret");
    expect(kms.calls.slice(before).map((c) => `${c.principal} ${c.operation} ${c.outcome}`)).toEqual([
      "OPERATOR GenerateDataKey ok",
      "GATEWAY Decrypt ok",
    ]);
  });

  it("lets KMS refuse a blob presented for another provider (encryption context)", async () => {
    const env = await seal(kmsKey(client("OPERATOR"), keyId), "sk", "team-a/openai");
    const moved = { ...env };
    await expect(open(kmsKey(client("GATEWAY"), keyId), moved, "team-b/openai")).rejects.toThrow(
      /KMS Decrypt with key kms-key-1 for "team-b\/openai" failed: InvalidCiphertextException/,
    );
    expect(KMS_CONTEXT_KEY).toBe("kuberelay:provider");
  });

  it("reports a key-policy refusal clearly and without key material", async () => {
    const operator = kmsKey(client("OPERATOR"), keyId);
    const dataKey = randomBytes(32);
    const wrapped = await operator.wrap(dataKey, "ns/p");
    const error = await kmsKey(client("DENIED"), keyId)
      .unwrap(wrapped, "ns/p")
      .catch((e: Error) => e);
    expect(String(error)).toMatch(
      /KMS Decrypt with key kms-key-1 for "ns\/p" failed: AccessDeniedException: .*kms:Decrypt/,
    );
    expect(String(error)).not.toContain(dataKey.toString("base64"));
    expect(String(error)).not.toContain(wrapped);
    const gw = await kmsKey(client("GATEWAY"), keyId)
      .wrap(dataKey, "ns/p")
      .catch((e: Error) => e);
    expect(String(gw)).toMatch(/KMS Encrypt .* AccessDeniedException/);
    expect(String(gw)).not.toContain(dataKey.toString("base64"));
  });

  it("calls KMS once per envelope behind the data-key cache", async () => {
    const env = await seal(kmsKey(client("OPERATOR"), keyId), "sk", "ns/p");
    const cache = new DataKeyCache();
    const gateway = cache.around(kmsKey(client("GATEWAY"), keyId));
    const before = kms.calls.length;
    for (let i = 0; i < 3; i++) expect(await open(gateway, env, "ns/p")).toBe("sk");
    expect(kms.calls.length - before).toBe(1);
  });

  it("re-wraps a local envelope under KMS with Encrypt, keeping the credential's ciphertext", async () => {
    const local = localMasterKey(randomBytes(32));
    const target = kmsKey(client("OPERATOR"), keyId);
    const env = await seal(local, "sk-moving", "ns/p");
    const moved = await rewrap(new KeyRing(target, [local]), env, target, "ns/p");
    expect(moved.kek).toBe(`kms:${keyId}`);
    expect(moved.ciphertext).toBe(env.ciphertext);
    expect(kms.calls.at(-1)).toMatchObject({ principal: "OPERATOR", operation: "Encrypt", outcome: "ok" });
    expect(await open(kmsKey(client("GATEWAY"), keyId), moved, "ns/p")).toBe("sk-moving");
  });

  it("builds the ring from the environment: KMS current, the local key kept for unwrapping", async () => {
    const local = randomBytes(32);
    const ring = keyRingFromEnv(
      { KUBERELAY_KMS_KEY_ID: keyId, KUBERELAY_MASTER_KEY: local.toString("base64") },
      client("OPERATOR"),
    );
    expect(ring.current.id).toBe(`kms:${keyId}`);
    expect(ring.ids).toEqual([`kms:${keyId}`, localMasterKey(local).id]);
  });

  it("moves from one KMS key to another: unwraps with the previous id, wraps with the new one", async () => {
    const before = await seal(kmsKey(client("OPERATOR"), keyId), "sk-kms-to-kms", "ns/p");
    const ring = keyRingFromEnv(
      { KUBERELAY_KMS_KEY_ID: nextKeyId, KUBERELAY_KMS_KEY_ID_PREVIOUS: `${keyId}, ${nextKeyId}` },
      client("OPERATOR"),
    );
    expect(ring.ids).toEqual([`kms:${nextKeyId}`, `kms:${keyId}`]);
    const moved = await rewrap(ring, before, ring.current, "ns/p");
    expect(moved.kek).toBe(`kms:${nextKeyId}`);
    expect(moved.ciphertext).toBe(before.ciphertext);
    expect(kms.calls.slice(-2).map((c) => `${c.operation}:${c.keyId}:${c.outcome}`)).toEqual([
      `Decrypt:${keyId}:ok`,
      `Encrypt:${nextKeyId}:ok`,
    ]);
    // A gateway that holds only the new key reads it; one that holds only the old one no longer can.
    expect(await open(kmsKey(client("GATEWAY"), nextKeyId), moved, "ns/p")).toBe("sk-kms-to-kms");
    await expect(open(kmsKey(client("GATEWAY"), keyId), moved, "ns/p")).rejects.toThrow();
  });

  it("reports every KMS request, ok or refused, to metrics with bounded labels", async () => {
    const registry = new Registry();
    const calls: Parameters<KmsCallObserver>[0][] = [];
    const observe = kmsMetrics(registry, "gateway");
    const watched = (principal: string) =>
      observedKms(client(principal), (c) => {
        calls.push(c);
        observe(c);
      });
    const env = await seal(kmsKey(watched("OPERATOR"), keyId), "sk-observed", "team-a/openai");
    expect(await open(kmsKey(watched("GATEWAY"), keyId), env, "team-a/openai")).toBe("sk-observed");
    await expect(open(kmsKey(watched("DENIED"), keyId), env, "team-a/openai")).rejects.toThrow(
      /AccessDeniedException/,
    );
    expect(calls.map((c) => `${c.operation}:${c.outcome}`)).toEqual([
      "GenerateDataKey:ok",
      "Decrypt:ok",
      "Decrypt:error",
    ]);
    for (const c of calls) expect(c.seconds).toBeGreaterThan(0);
    const text = await registry.metrics();
    expect(text).toContain('kuberelay_gateway_kms_requests_total{operation="Decrypt",outcome="ok"} 1');
    expect(text).toContain('kuberelay_gateway_kms_requests_total{operation="Decrypt",outcome="error"} 1');
    expect(text).toContain(
      'kuberelay_gateway_kms_request_duration_seconds_count{operation="GenerateDataKey"} 1',
    );
    expect(text).not.toContain("sk-observed");
  });
});
