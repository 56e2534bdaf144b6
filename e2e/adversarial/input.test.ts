/**
 * Hostile request bodies, headers and paths: each is answered with a 4xx before anything is
 * sent upstream, oversized bodies are refused without being read past the limit, and an
 * unauthenticated body is not read at all.
 */
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canary } from "../harness/canary.js";
import { type MockProvider, startMockProvider } from "../mock-provider/server.js";
import { type AdversarialGateway, type Captured, startAdversarialGateway } from "./gateway-fixture.js";
import { RawConnection, rawRequest, requestHead } from "./raw-http.js";

const providerKey = canary();
const relayKey = `krk_${canary()}`;
const LIMIT = 1024 * 1024;
let mock: MockProvider;
let gw: AdversarialGateway;

beforeAll(async () => {
  mock = await startMockProvider({ openaiKey: providerKey, chunkDelayMs: 1 });
  gw = await startAdversarialGateway(
    "input",
    {
      relayKey,
      upstreams: [
        { name: "mock", provider: "openai-compatible", baseURL: `${mock.url}/v1`, credential: providerKey },
      ],
      // The catch-all makes model-name checks the gateway's own: no route match to hide behind.
      routes: [
        { model: "gpt-4o-mini", upstream: "mock" },
        { model: "*", upstream: "mock" },
      ],
      maxRequestBodyBytes: LIMIT,
    },
    [],
  );
});

afterAll(async () => {
  await gw?.finish();
  await mock?.close();
});

const chat = (extra: Record<string, unknown> = {}) => ({
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "hi" }],
  ...extra,
});

const post = (body: string, key = relayKey, path = "/v1/chat/completions") =>
  gw.fetch(path, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body,
  });

function expectOpenAIError(res: Captured, status: number) {
  expect(res.status, res.text).toBe(status);
  const { error } = JSON.parse(res.text) as { error: Record<string, unknown> };
  expect(Object.keys(error).sort()).toEqual(["code", "message", "param", "type"]);
  expect(typeof error.message).toBe("string");
  expect(typeof error.type).toBe("string");
  for (const field of ["param", "code"]) expect(["string", "object"]).toContain(typeof error[field]);
}

/** Runs the request and checks it reached no upstream; returns the gateway's answer. */
async function refusedBeforeUpstream<T>(send: () => Promise<T>): Promise<T> {
  const before = mock.requests.length;
  const res = await send();
  expect(mock.requests.length, "nothing may reach the upstream").toBe(before);
  return res;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const authLine = (key: string) => `Authorization: Bearer ${key}`;

describe("controls", () => {
  it("control: an ordinary request is forwarded once and answered 200", async () => {
    const before = mock.requests.length;
    const res = await post(
      JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
    );
    expect(res.status, res.text).toBe(200);
    expect(mock.requests.length).toBe(before + 1);
  });

  it("control: a model name only the catch-all route matches is forwarded", async () => {
    const before = mock.requests.length;
    await post(JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }));
    expect(mock.requests.length).toBe(before + 1);
  });
});

describe("oversized bodies", () => {
  it("a Content-Length over the key's limit gets 413 before the body is sent, and nothing goes upstream", async () => {
    await refusedBeforeUpstream(async () => {
      const conn = await RawConnection.open(gw.port);
      try {
        await conn.write(
          requestHead("POST", "/v1/chat/completions", [
            authLine(relayKey),
            "Content-Type: application/json",
            `Content-Length: ${8 * LIMIT}`,
          ]),
        );
        await conn.write(JSON.stringify(chat()).slice(0, -1));
        // Not one more byte is sent: a gateway that waits for the body never answers.
        const res = await conn.waitForResponse(3_000);
        gw.record("raw 413", JSON.stringify(res));
        expect(res.status).toBe(413);
        expect(JSON.parse(res.body)).toMatchObject({ error: { code: "request_too_large" } });
      } finally {
        conn.destroy();
      }
    });
  });

  it("a chunked body that grows past the key's limit gets 413 before the whole body is sent, and nothing goes upstream", async () => {
    await refusedBeforeUpstream(async () => {
      const conn = await RawConnection.open(gw.port);
      const total = 8 * LIMIT;
      const piece = Buffer.alloc(64 * 1024, "a");
      let sent = 0;
      try {
        await conn.write(
          requestHead("POST", "/v1/chat/completions", [
            authLine(relayKey),
            "Content-Type: application/json",
            "Transfer-Encoding: chunked",
          ]),
        );
        while (sent < total && !conn.response() && !conn.closed) {
          void conn.write(`${piece.length.toString(16)}\r\n${piece.toString("latin1")}\r\n`);
          sent += piece.length;
          await sleep(10);
        }
        if (sent >= total) void conn.write("0\r\n\r\n");
        const res = await conn.waitForResponse(5_000);
        gw.record("raw chunked 413", JSON.stringify(res));
        expect(res.status).toBe(413);
        expect(sent, "the gateway answered only after the whole body was sent").toBeLessThan(total / 2);
      } finally {
        conn.destroy();
      }
    });
  });

  it("an unauthenticated request with a large Content-Length gets 401 without its body being read", async () => {
    await refusedBeforeUpstream(async () => {
      const conn = await RawConnection.open(gw.port);
      try {
        await conn.write(
          requestHead("POST", "/v1/chat/completions", [
            authLine(`krk_${canary()}`),
            "Content-Type: application/json",
            `Content-Length: ${8 * LIMIT}`,
          ]),
        );
        const res = await conn.waitForResponse(3_000);
        gw.record("raw 401", JSON.stringify(res));
        expect(res.status).toBe(401);
        expect(JSON.parse(res.body)).toMatchObject({ error: { code: "invalid_api_key" } });
      } finally {
        conn.destroy();
      }
    });
  });

  /** 80 concatenated gzip members of 1 MiB of zeros: ~80 KB on the wire, 80 MiB inflated. */
  const bomb = (() => {
    const member = gzipSync(Buffer.alloc(LIMIT));
    return Buffer.concat(Array.from({ length: 80 }, () => member));
  })();

  const sendBomb = (key: string) =>
    rawRequest(
      gw.port,
      Buffer.concat([
        Buffer.from(
          requestHead("POST", "/v1/chat/completions", [
            authLine(key),
            "Content-Type: application/json",
            "Content-Encoding: gzip",
            `Content-Length: ${bomb.length}`,
            "Connection: close",
          ]),
        ),
        bomb,
      ]),
      10_000,
    );

  it("an authenticated gzip bomb (80 KB inflating to 80 MiB) gets 413, and nothing goes upstream", async () => {
    expect(bomb.length).toBeLessThan(LIMIT);
    const res = await refusedBeforeUpstream(() => sendBomb(relayKey));
    gw.record("gzip bomb", JSON.stringify(res));
    expect(res.status, res.body).toBe(413);
  });

  it("an unauthenticated gzip bomb gets 401 (it is not inflated), and nothing goes upstream", async () => {
    const res = await refusedBeforeUpstream(() => sendBomb(`krk_${canary()}`));
    gw.record("gzip bomb 401", JSON.stringify(res));
    expect(res.status, res.body).toBe(401);
  });
});

describe("oversized headers", () => {
  it("a 32 KB header gets 431 and nothing goes upstream", async () => {
    const res = await refusedBeforeUpstream(() =>
      rawRequest(
        gw.port,
        requestHead("POST", "/v1/chat/completions", [
          authLine(relayKey),
          `X-Padding: ${"p".repeat(32 * 1024)}`,
          "Content-Length: 0",
          "Connection: close",
        ]),
      ),
    );
    expect(res.status).toBe(431);
  });
});

describe("hostile JSON", () => {
  const deep = 100_000;

  it("100k unclosed '[' gets 400 in OpenAI's shape and nothing goes upstream", async () => {
    const res = await refusedBeforeUpstream(() => post("[".repeat(deep)));
    expectOpenAIError(res, 400);
  });

  it("a 100k-deep array inside an otherwise valid request gets 400 and nothing goes upstream", async () => {
    const body = JSON.stringify(chat()).replace(/}$/, `,"metadata":${"[".repeat(deep)}${"]".repeat(deep)}}`);
    const res = await refusedBeforeUpstream(() => post(body));
    expectOpenAIError(res, 400);
  });

  it("a 100k-deep object inside an otherwise valid request gets 400 and nothing goes upstream", async () => {
    const body = JSON.stringify(chat()).replace(
      /}$/,
      `,"metadata":${'{"a":'.repeat(deep)}1${"}".repeat(deep)}}`,
    );
    const res = await refusedBeforeUpstream(() => post(body));
    expectOpenAIError(res, 400);
  });

  it("n = 1e9 gets 400 naming n, and nothing goes upstream", async () => {
    const res = await refusedBeforeUpstream(() => post(JSON.stringify(chat({ n: 1e9 }))));
    expectOpenAIError(res, 400);
    expect(JSON.parse(res.text)).toMatchObject({ error: { param: "n" } });
  });

  it('stream = "true" (a string) gets 400 naming stream, and nothing goes upstream', async () => {
    const res = await refusedBeforeUpstream(() => post(JSON.stringify(chat({ stream: "true" }))));
    expectOpenAIError(res, 400);
    expect(JSON.parse(res.text)).toMatchObject({ error: { param: "stream" } });
  });
});

describe("hostile paths", () => {
  it.each([
    "/v1/../v1/chat/completions",
    "/v1/./chat/completions",
    "/v1/chat%2Fcompletions",
    "/v1/%2e%2e/v1/chat/completions",
    "/v1/chat/completions%00",
  ])("%s gets 404 in OpenAI's shape and nothing goes upstream", async (path) => {
    const body = JSON.stringify(chat());
    const res = await refusedBeforeUpstream(() =>
      rawRequest(
        gw.port,
        requestHead("POST", path, [
          authLine(relayKey),
          "Content-Type: application/json",
          `Content-Length: ${Buffer.byteLength(body)}`,
          "Connection: close",
        ]) + body,
      ),
    );
    gw.record(`raw ${path}`, JSON.stringify(res));
    expect(res.status, res.body).toBe(404);
    expect(JSON.parse(res.body)).toMatchObject({ error: { type: "invalid_request_error" } });
  });
});

describe("hostile model names", () => {
  it.each([
    ["..", ".."],
    ["../../admin", "../../admin"],
    ["a NUL", "gpt-4o-mini\u0000"],
    ["CR/LF", "gpt-4o-mini\r\nX-Injected: 1"],
    ["an ANSI escape", "\u001b[31mgpt-4o-mini"],
    ["a DEL", "gpt-4o\u007f"],
  ])("a model named with %s gets a 4xx before any upstream call", async (_what, model) => {
    const res = await refusedBeforeUpstream(() => post(JSON.stringify(chat({ model }))));
    expect(res.status, res.text).toBeGreaterThanOrEqual(400);
    expect(res.status, res.text).toBeLessThan(500);
    expectOpenAIError(res, res.status);
  });
});
