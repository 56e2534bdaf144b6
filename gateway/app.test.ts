import http from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashRelayKey } from "../common/crypto/relay-key.js";
import { createLogger } from "../common/log.js";
import { type MockProvider, startMockProvider } from "../e2e/mock-provider/server.js";
import { createGatewayApp } from "./app.js";
import { createGatewayMetrics } from "./metrics.js";
import type { InferenceDeps } from "./pipeline/handle-inference.js";
import { SnapshotHolder } from "./snapshot.js";

const relayKey = "krk_in-process-test-key-0123456789abcdef";
const providerKey = "sk-upstream-in-process-0123456789";
let mock: MockProvider;
let server: http.Server;
let baseURL = "";
const logs: string[] = [];

beforeAll(async () => {
  mock = await startMockProvider({ openaiKey: providerKey, chunkDelayMs: 5 });
  const snapshots = new SnapshotHolder();
  const provider = (id: string) => ({
    id,
    provider: "openai-compatible" as const,
    baseURL: `${mock.url}/v1`,
    allowPrivateNetwork: true,
    region: undefined,
    credential: providerKey,
  });
  snapshots.swap({
    generation: "1",
    keys: new Map([
      [
        hashRelayKey(relayKey),
        { hash: hashRelayKey(relayKey), id: "ns/app", policy: "ns/p", limits: { maxRequestBodyBytes: 4096 } },
      ],
    ]),
    policies: new Map([
      [
        "ns/p",
        {
          routes: [
            {
              model: "gpt-4o-mini",
              targets: [
                { provider: "ns/a", weight: 1 },
                { provider: "ns/b", weight: 1 },
              ],
            },
            { model: "small-*", targets: [{ provider: "ns/a", model: "gpt-4o-mini", weight: 1 }] },
            { model: "text-embedding-3-small", targets: [{ provider: "ns/a", weight: 1 }] },
          ],
          limits: { maxOutputTokens: 16 },
        },
      ],
    ]),
    providers: new Map([
      ["ns/a", provider("ns/a")],
      ["ns/b", provider("ns/b")],
    ]),
  });
  const deps: InferenceDeps = {
    snapshots,
    metrics: createGatewayMetrics(),
    log: createLogger("gateway", { sink: (l) => logs.push(l) }),
    limiter: undefined,
    price: () => 0.001,
    defaultMaxBodyBytes: 1 << 20,
    maxAttempts: 3,
    defaultTimeoutMs: 5000,
  };
  server = http.createServer(createGatewayApp(deps)).listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await mock.close();
});

const client = (apiKey = relayKey) => new OpenAI({ apiKey, baseURL, maxRetries: 0 });

describe("gateway OpenAI surfaces (in process)", () => {
  it("serves chat, clamping max output tokens to the Policy's limit", async () => {
    const res = await client()
      .chat.completions.create({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: "one two three four five" }],
        max_tokens: 50,
      })
      .withResponse();
    expect(res.response.headers.get("x-kuberelay-max-output-tokens")).toBe("clamped");
    const sent = mock.requests.at(-1)?.body as { max_tokens?: number };
    expect(sent.max_tokens).toBe(16);
  });

  it("issue 10: a chat without a cap reaches an OpenAI-compatible upstream with max_tokens set to the limit", async () => {
    const res = await client()
      .chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    expect(res.response.headers.get("x-kuberelay-max-output-tokens")).toBe("clamped");
    const sent = mock.requests.at(-1)?.body as Record<string, unknown>;
    expect(sent.max_tokens).toBe(16);
    expect(sent).not.toHaveProperty("max_completion_tokens");
  });

  it("streams, with usage read but the extra usage chunk hidden", async () => {
    const stream = await client().chat.completions.create({
      model: "small-x",
      messages: [{ role: "user", content: "a b" }],
      stream: true,
    });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.some((c) => c.usage)).toBe(false);
    const sent = mock.requests.at(-1)?.body as { stream_options?: unknown } | undefined;
    expect(sent?.stream_options).toEqual({ include_usage: true });
    const line = logs.map((l) => JSON.parse(l)).findLast((l) => l.msg === "request");
    expect(line.inputTokens).toBeGreaterThan(0);
    expect(line.costUsd).toBe(0.001);
  });

  it("serves completions, embeddings (base64 by default) and responses", async () => {
    const c = await client().completions.create({ model: "gpt-4o-mini", prompt: "hi there" });
    expect(c.choices[0]?.text).toContain("hi");
    const e = await client().embeddings.create({ model: "text-embedding-3-small", input: "hello" });
    expect(e.data[0]?.embedding.length).toBeGreaterThan(0);
    const r = await client().responses.create({ model: "gpt-4o-mini", input: "say hi" });
    expect(r.output_text).toContain("say hi");
  });

  it("streams completions and responses", async () => {
    const c = await client().completions.create({
      model: "gpt-4o-mini",
      prompt: "one two three",
      stream: true,
    });
    let text = "";
    for await (const chunk of c) text += chunk.choices[0]?.text ?? "";
    expect(text).toContain("one two three");
    const r = client().responses.stream({ model: "gpt-4o-mini", input: "stream the response" });
    const events: string[] = [];
    for await (const e of r) events.push(e.type);
    expect(events).toContain("response.output_text.delta");
    expect((await r.finalResponse()).output_text).toContain("stream the response");
    const line = logs.map((l) => JSON.parse(l)).findLast((l) => l.msg === "request");
    expect(line.outputTokens).toBeGreaterThan(0);
  });

  it("scrubs a provider key that an upstream echoes in an error", async () => {
    mock.failNext(400, {
      error: { message: `bad request for key ${providerKey}`, type: "invalid_request_error" },
    });
    const res = await fetch(`${baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${relayKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }),
    });
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(text).not.toContain(providerKey);
    expect(text).toContain("[redacted]");
  });

  it("lists the Policy's exact model names", async () => {
    const models = await client().models.list();
    expect(models.data.map((m) => m.id)).toEqual(["gpt-4o-mini", "text-embedding-3-small"]);
  });

  it("falls back to the next target on 503 and 429", async () => {
    mock.failNext(503);
    mock.failNext(429);
    const before = mock.requests.length;
    const r = await client().chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "x" }],
    });
    expect(r.choices[0]?.message.content).toContain("x");
    expect(mock.requests.length - before).toBe(3);
  });

  it("answers bad input with OpenAI-shaped errors", async () => {
    await expect(
      client("krk_wrong").chat.completions.create({ model: "gpt-4o-mini", messages: [] }),
    ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(
      client().chat.completions.create({ model: "nope", messages: [{ role: "user", content: "x" }] }),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const big = await fetch(`${baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${relayKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x".repeat(5000) }] }),
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe("request_too_large");
    const bad = await fetch(`${baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${relayKey}`, "content-type": "application/json" },
      body: "{nope",
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
  });

  it("never forwards the caller's key and never logs a secret", () => {
    for (const r of mock.requests) expect(JSON.stringify(r.headers)).not.toContain(relayKey);
    const all = logs.join("\n");
    expect(all).not.toContain(relayKey);
    expect(all).not.toContain(providerKey);
  });
});
