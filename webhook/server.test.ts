import { X509Certificate } from "node:crypto";
import { copyFile, mkdtemp, readFile, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AdmissionOutcome, admit } from "./admit.js";
import { createWebhookApp } from "./app.js";
import { type RunningWebhookServer, startWebhookServer } from "./server.js";
import { applyJsonPatch } from "./testing/apply-json-patch.js";
import { captureLogger } from "./testing/capture-logger.js";
import { fakeLookup, fakeNamespaces, GATEWAY_URL, podCreateReview } from "./testing/fixtures.js";
import { httpsRequest } from "./testing/https-request.js";
import { type GeneratedCert, generateSelfSignedCert } from "./testing/self-signed-cert.js";
import { waitFor } from "./testing/wait-for.js";
import { isRecord } from "./type-guards.js";

let dir = "";
let live: GeneratedCert;
let ca: Buffer;
let server: RunningWebhookServer;
const { logger, lines } = captureLogger();
const lookup = fakeLookup({ "team-a/chat": { secretName: "chat-relay-key", ready: true } });

const json = { "content-type": "application/json" };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "kuberelay-webhook-"));
  live = await generateSelfSignedCert(dir, "live");
  ca = await readFile(live.certFile);
  const app = createWebhookApp({
    logger,
    admit: (body) =>
      admit(body, {
        gatewayUrl: GATEWAY_URL,
        lookup,
        namespaces: fakeNamespaces({}),
        ownNamespace: "kuberelay-system",
      }),
  });
  server = await startWebhookServer({
    host: "127.0.0.1",
    port: 0,
    tls: live,
    app,
    logger,
    tlsReloadIntervalMs: 25,
  });
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

function url(path: string): string {
  return `https://127.0.0.1:${server.port}${path}`;
}

describe("webhook server", () => {
  it("answers /healthz", async () => {
    const res = await httpsRequest(url("/healthz"), { ca });
    expect(res).toMatchObject({ status: 200, body: "ok" });
  });

  it("mutates a Pod through POST /mutate with a patch that applies", async () => {
    const review = podCreateReview({ "kuberelay.dev/inject": "true", "kuberelay.dev/relay-key": "chat" });
    const res = await httpsRequest(url("/mutate?timeout=10s"), {
      ca,
      method: "POST",
      headers: json,
      body: JSON.stringify(review),
    });

    expect(res.status).toBe(200);
    const answer: unknown = JSON.parse(res.body);
    expect(answer).toMatchObject({
      apiVersion: "admission.k8s.io/v1",
      kind: "AdmissionReview",
      response: { uid: "0b6c3f0e-1c5e-4c8e-9d0a-4f1f6a3b2c11", allowed: true, patchType: "JSONPatch" },
    });
    const patch = isRecord(answer) && isRecord(answer.response) ? answer.response.patch : undefined;
    const operations: unknown = JSON.parse(Buffer.from(String(patch), "base64").toString("utf8"));
    const pod = isRecord(review.request) ? review.request.object : undefined;
    expect(applyJsonPatch(pod, operations)).toMatchObject({
      spec: {
        containers: [
          {
            env: [
              { name: "OPENAI_BASE_URL", value: `${GATEWAY_URL}/v1` },
              { name: "ANTHROPIC_BASE_URL", value: GATEWAY_URL },
              { name: "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", value: GATEWAY_URL },
              ...["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "AWS_BEARER_TOKEN_BEDROCK"].map((name) => ({
                name,
                valueFrom: { secretKeyRef: { name: "chat-relay-key", key: "key" } },
              })),
            ],
          },
        ],
      },
    });

    const line = lines.find((l) => l.msg === "admission" && l.uid === "0b6c3f0e-1c5e-4c8e-9d0a-4f1f6a3b2c11");
    expect(line).toMatchObject({
      namespace: "team-a",
      pod: "chat-7d9f-",
      injectedCount: 6,
      warnings: [],
      result: "injected",
    });
    expect(typeof line?.durationMs).toBe("number");
    expect(JSON.stringify(lines)).not.toContain(GATEWAY_URL);
  });

  it("refuses bodies that are not JSON, malformed or too large", async () => {
    const post = (body: string, headers: Record<string, string>) =>
      httpsRequest(url("/mutate"), { ca, method: "POST", headers, body });
    expect((await post("{}", { "content-type": "text/plain" })).status).toBe(415);
    expect((await post("{not json", json)).status).toBe(400);
    expect((await post(JSON.stringify({ pad: "x".repeat(1_100_000) }), json)).status).toBe(413);
  });

  it("allows a valid JSON body that is not an AdmissionReview", async () => {
    const res = await httpsRequest(url("/mutate"), { ca, method: "POST", headers: json, body: "[]" });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ response: { uid: "", allowed: true } });
  });

  it("serves a replaced certificate without a restart", async () => {
    const before = await httpsRequest(url("/healthz"), { ca });
    const next = await generateSelfSignedCert(dir, "next");
    const nextCa = await readFile(next.certFile);
    // Replace by rename, as a Secret volume update does.
    await copyFile(next.keyFile, `${live.keyFile}.new`);
    await copyFile(next.certFile, `${live.certFile}.new`);
    await rename(`${live.keyFile}.new`, live.keyFile);
    await rename(`${live.certFile}.new`, live.certFile);

    const expected = new X509Certificate(nextCa).fingerprint256;
    await waitFor(async () => {
      const res = await httpsRequest(url("/healthz"), { ca: [ca, nextCa].join("\n") });
      return res.fingerprint === expected;
    });
    expect(before.fingerprint).toBe(new X509Certificate(ca).fingerprint256);
    expect((await httpsRequest(url("/healthz"), { ca: nextCa })).status).toBe(200);
    ca = nextCa;
  });
});

describe("webhook server shutdown", () => {
  it("stops accepting but finishes the request in flight", async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = false;
    const app = createWebhookApp({
      logger,
      admit: async (body): Promise<AdmissionOutcome> => {
        started = true;
        await held;
        return admit(body, {
          gatewayUrl: GATEWAY_URL,
          lookup,
          namespaces: fakeNamespaces({}),
          ownNamespace: "kuberelay-system",
        });
      },
    });
    const draining = await startWebhookServer({ host: "127.0.0.1", port: 0, tls: live, app, logger });
    const address = `https://127.0.0.1:${draining.port}`;
    const inFlight = httpsRequest(`${address}/mutate`, {
      ca,
      method: "POST",
      headers: json,
      body: JSON.stringify(podCreateReview({ "kuberelay.dev/inject": "true" })),
    });
    await waitFor(() => started);

    let closed = false;
    const closing = draining.close().then(() => {
      closed = true;
    });
    await expect(httpsRequest(`${address}/healthz`, { ca })).rejects.toThrow(/ECONNREFUSED/);
    expect(closed).toBe(false);

    release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ response: { allowed: true, patchType: "JSONPatch" } });
    await closing;
    expect(closed).toBe(true);
    await draining.close();
  });
});
