/**
 * A hostile or broken upstream: redirects are not followed, hangs and stalls end in bounded
 * time, failures become a clean error in the caller's API shape, and an upstream that echoes
 * the provider credential does not get it to the caller. Every request has a client-side
 * timeout: a hung socket fails the test instead of hanging it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { assertNoCanary, CanaryScanner, canary } from "../harness/canary.js";
import { freePort } from "../harness/free-port.js";
import { type AdversarialGateway, type Captured, startAdversarialGateway } from "./gateway-fixture.js";
import { type HostileUpstream, okCompletion, startHostileUpstream } from "./hostile-upstream.js";

const providerKey = canary();
const relayKey = `krk_${canary()}`;
let hostile: HostileUpstream;
/** Where hostile redirects point: it must never be called. */
let target: HostileUpstream;
let gw: AdversarialGateway;

beforeAll(async () => {
  hostile = await startHostileUpstream();
  target = await startHostileUpstream();
  target.behave((_req, res) => okCompletion(res));
  const closed = `http://127.0.0.1:${await freePort()}`;
  gw = await startAdversarialGateway(
    "upstream",
    {
      relayKey,
      upstreams: [
        {
          name: "hostile",
          provider: "openai-compatible",
          baseURL: `${hostile.url}/v1`,
          credential: providerKey,
        },
        { name: "hostile-anthropic", provider: "anthropic", baseURL: hostile.url, credential: providerKey },
        { name: "refused", provider: "openai-compatible", baseURL: `${closed}/v1`, credential: providerKey },
        { name: "refused-anthropic", provider: "anthropic", baseURL: closed, credential: providerKey },
      ],
      routes: [
        { model: "gpt-4o-mini", upstream: "hostile", timeoutSeconds: 1 },
        { model: "claude-hostile", upstream: "hostile-anthropic", timeoutSeconds: 1 },
        { model: "gpt-refused", upstream: "refused" },
        { model: "claude-refused", upstream: "refused-anthropic" },
      ],
    },
    [],
  );
});

afterAll(async () => {
  await gw?.finish();
  // The caller's relay key is never forwarded upstream (the provider key is, legitimately).
  const relayOnly = new CanaryScanner().add(relayKey);
  assertNoCanary(
    relayOnly,
    [...(hostile?.requests ?? []), ...(target?.requests ?? [])].map((r) => ({
      source: `upstream request ${r.url}`,
      text: JSON.stringify(r),
    })),
  );
  await hostile?.close();
  await target?.close();
});

let hostileBefore = 0;
beforeEach(() => {
  hostileBefore = hostile.requests.length;
});

type Surface = "openai" | "anthropic";

function call(surface: Surface, model: string, opts: { stream?: boolean; timeoutMs?: number } = {}) {
  const openai = surface === "openai";
  const body = openai
    ? { model, messages: [{ role: "user", content: "hi" }], ...(opts.stream ? { stream: true } : {}) }
    : {
        model,
        max_tokens: 16,
        messages: [{ role: "user", content: "hi" }],
        ...(opts.stream ? { stream: true } : {}),
      };
  return gw.fetch(openai ? "/v1/chat/completions" : "/v1/messages", {
    method: "POST",
    headers: {
      ...(openai ? { authorization: `Bearer ${relayKey}` } : { "x-api-key": relayKey }),
      "anthropic-version": "2023-06-01",
      "content-type": "application/json",
    },
    body: JSON.stringify(body),
    timeoutMs: opts.timeoutMs ?? 8_000,
  });
}

/** A JSON error in the caller's own API shape, whatever the upstream sent. */
function expectCallerError(surface: Surface, res: Captured, status: number) {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get("content-type") ?? "").toMatch(/^application\/json/);
  const body: unknown = JSON.parse(res.text);
  if (surface === "openai") {
    expect(body).toMatchObject({ error: { message: expect.any(String), type: expect.any(String) } });
  } else {
    expect(body).toMatchObject({
      type: "error",
      error: { type: expect.any(String), message: expect.any(String) },
    });
  }
}

describe("redirects", () => {
  it.each([301, 302, 307, 308])(
    "%i from upstream is not followed: the redirect target receives nothing and the caller gets 502",
    async (status) => {
      const targetBefore = target.requests.length;
      hostile.behave((_req, res) => {
        res.writeHead(status, { location: `${target.url}/v1/chat/completions` }).end();
      });
      const res = await call("openai", "gpt-4o-mini");
      expect(target.requests.length, "the redirect target was called").toBe(targetBefore);
      expectCallerError("openai", res, 502);
      expect(hostile.requests.length).toBeGreaterThan(hostileBefore);
    },
  );
});

describe("hangs and stalls", () => {
  it("an upstream that sends no response headers within the target's timeout gets the caller 504 in its shape", async () => {
    hostile.behave(() => undefined);
    const res = await call("openai", "gpt-4o-mini", { timeoutMs: 10_000 });
    expectCallerError("openai", res, 504);
  });

  it("an upstream that sends headers and then stalls a non-streamed body gets the caller 504 in its shape", async () => {
    hostile.behave((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"id":"chatcmpl-stall","choices":[');
    });
    const res = await call("openai", "gpt-4o-mini", { timeoutMs: 10_000 });
    expectCallerError("openai", res, 504);
  });

  it("a stream that stalls mid-way ends the caller's stream in bounded time and is logged with the usage seen so far", async () => {
    hostile.behave((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const event = (type: string, data: unknown) =>
        res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
      event("message_start", {
        type: "message_start",
        message: {
          id: "msg_stall",
          type: "message",
          role: "assistant",
          model: "claude-hostile",
          content: [],
          stop_reason: null,
          usage: { input_tokens: 42, output_tokens: 1 },
        },
      });
      event("content_block_start", {
        type: "content_block_start",
        index: 0,
        content_block: { type: "text", text: "" },
      });
      event("content_block_delta", {
        type: "content_block_delta",
        index: 0,
        delta: { type: "text_delta", text: "par" },
      });
      // …and nothing more, with the connection left open.
    });
    const res = await call("anthropic", "claude-hostile", { stream: true, timeoutMs: 6_000 });
    expect(res.status).toBe(200);
    expect(res.text).toContain("par");
    const terminalError = /event: error\n/.test(res.text);
    console.info(
      `stalled stream ended by: ${terminalError ? "a terminal SSE error event" : res.ending === "cut" ? "the connection closing" : "a clean end with no error event"}`,
    );
    expect(
      terminalError || res.ending === "cut",
      "a stalled stream must not end as if it had completed",
    ).toBe(true);
    const line = await gw.requestLog(res.headers.get("x-kuberelay-request-id") ?? "");
    expect(line).toMatchObject({ status: 200, inputTokens: 42 });
    expect(typeof line.outputTokens).toBe("number");
  });
});

describe("failures become a clean error in the caller's shape", () => {
  it.each<Surface>(["openai", "anthropic"])(
    "connection refused: the %s caller gets 502 in its shape",
    async (surface) => {
      const res = await call(surface, surface === "openai" ? "gpt-refused" : "claude-refused");
      expectCallerError(surface, res, 502);
    },
  );

  it.each<Surface>(["openai", "anthropic"])(
    "connection reset (socket destroyed): the %s caller gets 502 in its shape",
    async (surface) => {
      hostile.behave((_req, res) => res.socket?.destroy());
      const res = await call(surface, surface === "openai" ? "gpt-4o-mini" : "claude-hostile");
      expectCallerError(surface, res, 502);
    },
  );

  it("a 500 with a provider-shaped JSON body reaches the caller as 500 in its shape", async () => {
    hostile.behave((_req, res) => {
      res.writeHead(500, { "content-type": "application/json" }).end(
        JSON.stringify({
          error: { message: "The server had an error", type: "server_error", param: null, code: null },
        }),
      );
    });
    const res = await call("openai", "gpt-4o-mini");
    expectCallerError("openai", res, 500);
    expect(hostile.requests.length - hostileBefore, "bounded retries").toBeLessThanOrEqual(3);
  });

  it("a 500 with an HTML body reaches the caller as a JSON error in its shape, not as HTML", async () => {
    hostile.behave((_req, res) => {
      res
        .writeHead(500, { "content-type": "text/html" })
        .end("<html><body><h1>502 Bad Gateway</h1></body></html>");
    });
    const res = await call("anthropic", "claude-hostile");
    expect(res.status).toBeGreaterThanOrEqual(500);
    expectCallerError("anthropic", res, res.status);
  });

  it("a 429 with Retry-After: 3600 reaches the caller promptly as 429 in its shape (the gateway does not sleep on it)", async () => {
    hostile.behave((_req, res) => {
      res.writeHead(429, { "content-type": "application/json", "retry-after": "3600" }).end(
        JSON.stringify({
          error: {
            message: "Rate limit reached",
            type: "requests",
            param: null,
            code: "rate_limit_exceeded",
          },
        }),
      );
    });
    const started = Date.now();
    const res = await call("openai", "gpt-4o-mini", { timeoutMs: 5_000 });
    expectCallerError("openai", res, 429);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe("an upstream that echoes the provider credential", () => {
  const echo = (req: { headers: Record<string, string | string[] | undefined> }) =>
    String(req.headers.authorization ?? req.headers["x-api-key"] ?? "");

  it.each<[Surface, boolean]>([
    ["openai", false],
    ["openai", true],
    ["anthropic", false],
  ])(
    "the %s caller (stream: %s) sees [redacted] where the upstream echoed the credential",
    async (surface, stream) => {
      hostile.behave((req, res) => {
        const presented = echo(req);
        res.writeHead(401, { "content-type": "application/json" }).end(
          JSON.stringify({
            error: {
              message: `Incorrect API key provided: ${presented}. Your key: ${presented}`,
              type: "invalid_request_error",
            },
          }),
        );
      });
      const res = await call(surface, surface === "openai" ? "gpt-4o-mini" : "claude-hostile", { stream });
      expect(res.status).toBe(401);
      expect(echo(hostile.requests.at(-1) ?? { headers: {} })).toContain(providerKey);
      expect(res.text).toContain("[redacted]");
      expect(res.text).not.toContain(providerKey);
    },
  );
});
