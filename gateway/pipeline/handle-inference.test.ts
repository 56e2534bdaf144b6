import http from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type InProcessGateway,
  KEY_BODY_LIMIT,
  RELAY_KEY,
  sendPaced,
  startGateway,
  startGatewayWith,
  UNAVAILABLE_MODEL,
} from "./testing/in-process-gateway.js";

let upstream: http.Server;
let gateway: InProcessGateway;
const received: unknown[] = [];

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (d: Buffer) => parts.push(d));
    req.on("end", () => {
      received.push(JSON.parse(Buffer.concat(parts).toString()));
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          id: "c1",
          object: "chat.completion",
          choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
          usage: { prompt_tokens: 3, completion_tokens: 1 },
        }),
      );
    });
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  gateway = await startGateway(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
});

afterAll(async () => {
  await gateway.close();
  await new Promise((r) => upstream.close(r));
});

const slices = (buf: Buffer, size: number) => {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
};

/** 48 gzip members of 1 MiB of zeros: about 50 KB on the wire, 48 MiB inflated. */
const bomb = (() => {
  const member = gzipSync(Buffer.alloc(1 << 20));
  return Buffer.concat(Array.from({ length: 48 }, () => member));
})();

const chat = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }] });

describe("request bodies are read after authentication, under the key's limit", () => {
  it("security: an unauthenticated gzip bomb gets 401 without its body being read", async () => {
    const answer = await sendPaced(
      gateway.port,
      { "content-type": "application/json", "content-encoding": "gzip", authorization: "Bearer krk_wrong" },
      slices(bomb, 8192),
    );
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body).error.code).toBe("invalid_api_key");
    // The answer came before the caller had sent half the body: the gateway did not wait for it.
    expect(answer.sent).toBeLessThan(answer.total / 2);
    expect(answer.headers.connection).toBe("close");
  });

  it("security: an unauthenticated Anthropic caller gets its 401 in Anthropic's shape, body unread", async () => {
    const answer = await sendPaced(
      gateway.port,
      { "content-type": "application/json", "x-api-key": "krk_wrong" },
      slices(Buffer.alloc(256 * 1024, 0x20), 16 * 1024),
      20,
      "/v1/messages",
    );
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    expect(answer.sent).toBeLessThan(answer.total / 2);
  });

  it("security: an authenticated gzip bomb gets 413 once inflation passes the key's limit", async () => {
    const answer = await sendPaced(
      gateway.port,
      {
        "content-type": "application/json",
        "content-encoding": "gzip",
        authorization: `Bearer ${RELAY_KEY}`,
      },
      slices(bomb, 8192),
    );
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.code).toBe("request_too_large");
    expect(answer.sent).toBeLessThan(answer.total / 2);
  });

  it("security: a Content-Length over the key's limit gets 413 before the body is read", async () => {
    const total = 64 * 1024;
    const answer = await sendPaced(
      gateway.port,
      {
        "content-type": "application/json",
        "content-length": String(total),
        authorization: `Bearer ${RELAY_KEY}`,
      },
      slices(Buffer.alloc(total, 0x20), 4096),
    );
    expect(answer.status).toBe(413);
    expect(answer.sent).toBeLessThan(total / 2);
    expect(answer.headers.connection).toBe("close");
  });

  it("a chunked body over the key's limit gets 413", async () => {
    const answer = await sendPaced(
      gateway.port,
      { "content-type": "application/json", authorization: `Bearer ${RELAY_KEY}` },
      [Buffer.alloc(KEY_BODY_LIMIT + 1, 0x20)],
      1,
    );
    expect(answer.status).toBe(413);
  });

  it("an unknown Content-Encoding gets 415", async () => {
    const res = await fetch(`http://127.0.0.1:${gateway.port}/v1/chat/completions`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${RELAY_KEY}`,
        "content-type": "application/json",
        "content-encoding": "compress",
      },
      body: chat,
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      "unsupported_content_encoding",
    );
  });

  it("serves a gzip body within the key's limit", async () => {
    const res = await fetch(`http://127.0.0.1:${gateway.port}/v1/chat/completions`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${RELAY_KEY}`,
        "content-type": "application/json",
        "content-encoding": "gzip",
      },
      body: gzipSync(chat),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { choices: unknown[] }).choices).toHaveLength(1);
    expect(received.at(-1)).toMatchObject({ model: "gpt-4o-mini", messages: [{ content: "hello" }] });
  });
});

describe("the usage ledger", () => {
  const ask = (authorization: string) =>
    fetch(`http://127.0.0.1:${gateway.port}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: chat,
    });

  it("gets one metadata row per authenticated request, matching its log line", async () => {
    const before = gateway.ledger.length;
    const res = await ask(`Bearer ${RELAY_KEY}`);
    expect(res.status).toBe(200);
    const requestId = res.headers.get("x-kuberelay-request-id");
    await res.text();
    await vi.waitFor(() => expect(gateway.ledger.length).toBe(before + 1));
    const row = gateway.ledger.at(-1);
    expect(row).toMatchObject({
      requestId,
      relayKey: "ns/app",
      policy: "ns/p",
      surface: "openai",
      model: "gpt-4o-mini",
      providerKey: "ns/a",
      provider: "openai-compatible",
      status: 200,
      inputTokens: 3,
      outputTokens: 1,
      costUsd: 0.001,
      streamed: false,
      cancelled: false,
    });
    expect(Math.abs((row?.occurredAt ?? 0) - Date.now())).toBeLessThan(5_000);
    // Metadata only: nothing of the prompt or the answer.
    expect(JSON.stringify(row)).not.toMatch(/hello|"hi"/);
    // Its budgets held the request's priced worst case while it ran (this gateway prices all at $0.001).
    expect(gateway.reserved.at(-1)).toBe(0.001);
  });

  it("security: gets no row for a caller without a valid key (a flood of 401s cannot fill it)", async () => {
    const before = gateway.ledger.length;
    const res = await ask("Bearer krk_wrong");
    expect(res.status).toBe(401);
    await res.text();
    await new Promise((r) => setTimeout(r, 50));
    expect(gateway.ledger.length).toBe(before);
  });
});

describe("issue 10: a route whose ProviderKey is missing", () => {
  const post = (path: string, headers: Record<string, string>, body: unknown) =>
    fetch(`http://127.0.0.1:${gateway.port}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });

  it("issue 10: answers that model 503 in OpenAI's shape, naming the reference, and calls nothing", async () => {
    const before = received.length;
    const res = await post(
      "/v1/chat/completions",
      { authorization: `Bearer ${RELAY_KEY}` },
      { model: UNAVAILABLE_MODEL, messages: [{ role: "user", content: "hi" }] },
    );
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      error: {
        message: 'route unavailable: ProviderKey "ns/mock-opneai" not found',
        type: "server_error",
        code: "route_unavailable",
        param: null,
      },
    });
    expect(received.length).toBe(before);
  });

  it("issue 10: answers Anthropic callers 503 in Anthropic's shape", async () => {
    const res = await post(
      "/v1/messages",
      { "x-api-key": RELAY_KEY, "anthropic-version": "2023-06-01" },
      { model: UNAVAILABLE_MODEL, max_tokens: 8, messages: [{ role: "user", content: "hi" }] },
    );
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      type: "error",
      error: {
        type: "overloaded_error",
        message: 'route unavailable: ProviderKey "ns/mock-opneai" not found',
      },
    });
  });

  it("issue 10: the same key keeps working for the Policy's other routes", async () => {
    const res = await post(
      "/v1/chat/completions",
      { authorization: `Bearer ${RELAY_KEY}` },
      { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] },
    );
    expect(res.status).toBe(200);
  });
});

describe("a Policy this gateway cannot read in full (written by a newer operator)", () => {
  it("security: refuses its requests with 503 naming the unknown fields, and calls nothing", async () => {
    const before = received.length;
    const reading = await startGatewayWith({
      providers: [],
      routes: {},
      policy: {
        unreadable: {
          message: "This gateway cannot read the key's Policy: it has field(s) guardrails.images",
        },
      },
    });
    try {
      const res = await fetch(`http://127.0.0.1:${reading.port}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${RELAY_KEY}` },
        body: chat,
      });
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({
        error: { code: "policy_unreadable", message: expect.stringContaining("guardrails.images") },
      });
      expect(received.length).toBe(before);
      // Its model list too: an empty list would read as a Policy that routes nothing.
      const models = await fetch(`http://127.0.0.1:${reading.port}/v1/models`, {
        headers: { authorization: `Bearer ${RELAY_KEY}` },
      });
      expect(models.status).toBe(503);
      expect(await models.json()).toMatchObject({ error: { code: "policy_unreadable" } });
    } finally {
      await reading.close();
    }
  });
});
