/**
 * Slow callers: a slowloris trickling headers, a body trickled byte by byte, a connection that
 * says nothing. Each is cut at its timeout (here shortened by flag, 2 s for headers and 4 s for
 * the whole request), nothing reaches the upstream, and ordinary callers are served meanwhile.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canary } from "../harness/canary.js";
import { type MockProvider, startMockProvider } from "../mock-provider/server.js";
import { type AdversarialGateway, startAdversarialGateway } from "./gateway-fixture.js";
import { RawConnection, requestHead } from "./raw-http.js";

const providerKey = canary();
const relayKey = `krk_${canary()}`;
const HEADERS_TIMEOUT_S = 2;
const REQUEST_TIMEOUT_S = 4;
let mock: MockProvider;
let gw: AdversarialGateway;

const chatBody = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });

beforeAll(async () => {
  mock = await startMockProvider({ openaiKey: providerKey, chunkDelayMs: 1 });
  gw = await startAdversarialGateway(
    "slow",
    {
      relayKey,
      upstreams: [
        { name: "mock", provider: "openai-compatible", baseURL: `${mock.url}/v1`, credential: providerKey },
      ],
      routes: [{ model: "gpt-4o-mini", upstream: "mock" }],
    },
    [],
    [
      "--headers-timeout-seconds",
      String(HEADERS_TIMEOUT_S),
      "--request-timeout-seconds",
      String(REQUEST_TIMEOUT_S),
    ],
  );
});

afterAll(async () => {
  await gw?.finish();
  await mock?.close();
});

/** Writes `piece` every `everyMs` until the gateway closes the connection; resolves with the ms it took. */
async function trickleUntilClosed(
  conn: RawConnection,
  piece: () => string,
  everyMs: number,
  giveUpMs: number,
) {
  const started = performance.now();
  while (!conn.closed && performance.now() - started < giveUpMs) {
    await conn.write(piece());
    await conn.waitForClose(everyMs);
  }
  return performance.now() - started;
}

const ordinaryRequest = () =>
  gw.fetch("/v1/chat/completions", {
    method: "POST",
    headers: { authorization: `Bearer ${relayKey}`, "content-type": "application/json" },
    body: chatBody,
  });

describe("slow callers are cut at their timeouts", () => {
  it("a slowloris sending a header line every 500 ms is cut at the headers timeout, and nothing goes upstream", async () => {
    const before = mock.requests.length;
    const conn = await RawConnection.open(gw.port);
    await conn.write(
      `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${relayKey}\r\n`,
    );
    let n = 0;
    const ms = await trickleUntilClosed(conn, () => `x-slow-${n++}: y\r\n`, 500, 15_000);
    gw.record("slowloris", conn.received());
    expect(conn.closed).toBe(true);
    expect(ms).toBeGreaterThan(HEADERS_TIMEOUT_S * 1000 - 600);
    expect(ms).toBeLessThan(HEADERS_TIMEOUT_S * 1000 + 2500);
    expect(conn.received()).not.toContain("200 OK");
    expect(mock.requests.length).toBe(before);
  });

  it("a body trickled one byte every 300 ms is cut at the request timeout, and nothing goes upstream", async () => {
    const before = mock.requests.length;
    const conn = await RawConnection.open(gw.port);
    await conn.write(
      requestHead("POST", "/v1/chat/completions", [
        `Authorization: Bearer ${relayKey}`,
        "Content-Type: application/json",
        `Content-Length: ${chatBody.length}`,
      ]),
    );
    let i = 0;
    const ms = await trickleUntilClosed(conn, () => chatBody.charAt(i++ % chatBody.length), 300, 20_000);
    gw.record("slow body", conn.received());
    expect(conn.closed).toBe(true);
    // The body never completes (it would need ~20 s), so the cut comes from the timeout.
    expect(i).toBeLessThan(chatBody.length);
    expect(ms).toBeLessThan(REQUEST_TIMEOUT_S * 1000 + 2500);
    expect(mock.requests.length).toBe(before);
  });

  it("a connection that never sends a byte is closed at the headers timeout", async () => {
    const conn = await RawConnection.open(gw.port);
    const started = performance.now();
    expect(await conn.waitForClose(HEADERS_TIMEOUT_S * 1000 + 2500)).toBe(true);
    expect(performance.now() - started).toBeGreaterThan(HEADERS_TIMEOUT_S * 1000 - 600);
  });

  it("while 50 slowloris connections are held, an ordinary request is answered at once, and all 50 are cut", async () => {
    const conns = await Promise.all(Array.from({ length: 50 }, () => RawConnection.open(gw.port)));
    await Promise.all(conns.map((c) => c.write("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n")));
    const started = performance.now();
    const res = await ordinaryRequest();
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(1000);
    const closed = await Promise.all(conns.map((c) => c.waitForClose(HEADERS_TIMEOUT_S * 1000 + 3000)));
    expect(closed.every(Boolean)).toBe(true);
  });
});
