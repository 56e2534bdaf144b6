/**
 * Hostile credentials in each header the gateway reads a relay key from: every one is refused
 * with 401 in the caller's API shape, one constant body per surface (no oracle on what was
 * wrong), nothing reaches the upstream, and the presented value is never logged.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canary } from "../harness/canary.js";
import { type MockProvider, startMockProvider } from "../mock-provider/server.js";
import { type AdversarialGateway, startAdversarialGateway } from "./gateway-fixture.js";
import { RawConnection, type RawResponse, rawRequest, requestHead } from "./raw-http.js";

const providerKey = canary();
const relayKey = `krk_${canary()}`;
let mock: MockProvider;
let gw: AdversarialGateway;

const surfaces = {
  openai: {
    path: "/v1/chat/completions",
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
  },
  anthropic: {
    path: "/v1/messages",
    body: JSON.stringify({
      model: "claude-3-5-haiku-latest",
      max_tokens: 16,
      messages: [{ role: "user", content: "hi" }],
    }),
  },
} as const;
type SurfaceName = keyof typeof surfaces;
const surfaceNames = Object.keys(surfaces) as SurfaceName[];

type Header = "authorization" | "x-api-key" | "api-key";
const headers: Header[] = ["authorization", "x-api-key", "api-key"];
const headerLine = (h: Header, credential: string) =>
  h === "authorization" ? `Authorization: Bearer ${credential}` : `${h}: ${credential}`;

/** Sent over a bare socket so NUL, CR/LF and raw UTF-8 reach the gateway exactly as written. */
async function send(surface: SurfaceName, lines: string[]): Promise<RawResponse> {
  const { path, body } = surfaces[surface];
  const head = requestHead("POST", path, [
    ...lines,
    "Content-Type: application/json",
    "anthropic-version: 2023-06-01",
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Connection: close",
  ]);
  const res = await rawRequest(gw.port, Buffer.from(head + body, "utf8"));
  gw.record(`raw response ${surface}`, JSON.stringify(res));
  return res;
}

/** The two bodies a refused caller may see per surface: no key presented, or a key not known. */
const reference: Record<SurfaceName, { absent: string; wrong: string }> = {
  openai: { absent: "", wrong: "" },
  anthropic: { absent: "", wrong: "" },
};

function expectCallerShape(surface: SurfaceName, body: string) {
  const parsed: unknown = JSON.parse(body);
  if (surface === "openai") {
    expect(parsed).toEqual({
      error: {
        message: expect.any(String),
        type: "invalid_request_error",
        param: null,
        code: "invalid_api_key",
      },
    });
  } else {
    expect(parsed).toEqual({
      type: "error",
      error: { type: "authentication_error", message: expect.any(String) },
    });
  }
}

beforeAll(async () => {
  mock = await startMockProvider({ openaiKey: providerKey, anthropicKey: providerKey, chunkDelayMs: 1 });
  gw = await startAdversarialGateway(
    "auth",
    {
      relayKey,
      upstreams: [
        {
          name: "mock-openai",
          provider: "openai-compatible",
          baseURL: `${mock.url}/v1`,
          credential: providerKey,
        },
        { name: "mock-anthropic", provider: "anthropic", baseURL: mock.url, credential: providerKey },
      ],
      routes: [
        { model: "gpt-4o-mini", upstream: "mock-openai" },
        { model: "claude-3-5-haiku-latest", upstream: "mock-anthropic" },
      ],
    },
    [],
  );
  for (const s of surfaceNames) {
    reference[s].absent = (await send(s, [])).body;
    reference[s].wrong = (await send(s, [headerLine("authorization", `krk_${canary()}`)])).body;
  }
});

afterAll(async () => {
  await gw?.finish();
  await mock?.close();
});

/**
 * Refused before anything else: 401, one of the two constant bodies in the caller's shape, no
 * upstream request, a request log line with the status but without the value.
 */
async function expectRefused(lines: string[], presented: string | undefined) {
  for (const surface of surfaceNames) {
    const upstreamBefore = mock.requests.length;
    const res = await send(surface, lines);
    expect(res.status, `${surface}: ${res.body}`).toBe(401);
    expectCallerShape(surface, res.body);
    expect([reference[surface].absent, reference[surface].wrong]).toContain(res.body);
    expect(mock.requests.length, "nothing may reach the upstream").toBe(upstreamBefore);
    const requestId = res.headers["x-kuberelay-request-id"] ?? "";
    const line = await gw.requestLog(requestId);
    expect(line.status).toBe(401);
    if (presented !== undefined) {
      expect(res.body).not.toContain(presented);
      expect(gw.process.output()).not.toContain(presented);
    }
  }
}

/** Each value is built around a fresh canary, so a leak of any part of it is caught by the scan. */
const hostile: { kind: string; value: (secret: string) => string }[] = [
  { kind: "empty", value: () => "" },
  { kind: "whitespace-only", value: () => "   \t " },
  { kind: "malformed (not a relay key, with spaces and punctuation)", value: (c) => `krk_ !!${c} ?? ~` },
  { kind: "8 KB", value: (c) => `krk_${c.repeat(300)}`.slice(0, 8192) },
  { kind: "SQL-metacharacter", value: (c) => `' OR '1'='1'; DROP TABLE relay_keys; -- ${c}` },
  { kind: "unicode (UTF-8, RTL override, emoji)", value: (c) => `ключ-\u202e🔑-${c}-密钥` },
  { kind: "JSON and log-line metacharacter", value: (c) => `"},{"level":"error","msg":"${c}` },
];

describe("hostile credentials are refused with a constant 401, never forwarded, never logged", () => {
  it("control: the relay key itself is accepted in each of the three headers on both surfaces", async () => {
    for (const h of headers) {
      for (const surface of surfaceNames) {
        const before = mock.requests.length;
        const res = await send(surface, [headerLine(h, relayKey)]);
        expect(res.status, `${h} on ${surface}: ${res.body}`).toBe(200);
        expect(mock.requests.length).toBe(before + 1);
      }
    }
  });

  it("a request with no credential header at all gets 401 in the caller's shape and nothing goes upstream", async () => {
    await expectRefused([], undefined);
  });

  describe.each(headers)("in %s", (header) => {
    it.each(hostile)(
      "an $kind credential gets 401 in the caller's shape, nothing goes upstream, and it is not logged",
      async ({ value }) => {
        const secret = canary();
        gw.scanner.add(secret);
        const credential = value(secret);
        await expectRefused(
          [headerLine(header, credential)],
          credential.trim() === "" ? undefined : credential,
        );
      },
    );

    it("a CR/LF-injected credential cannot smuggle a header: 401, nothing upstream, the value not logged", async () => {
      const secret = canary();
      gw.scanner.add(secret);
      // On the wire this is the credential line cut short plus one more header line.
      await expectRefused([headerLine(header, `${secret}\r\nX-Smuggled: ${secret}`)], secret);
    });

    it("a NUL-containing credential is refused before the pipeline (400 from the HTTP parser), nothing upstream, nothing logged", async () => {
      const secret = canary();
      gw.scanner.add(secret);
      for (const surface of surfaceNames) {
        const before = mock.requests.length;
        const linesBefore = gw.process.lines.length;
        const res = await send(surface, [headerLine(header, `krk_\0${secret}`)]);
        expect(res.status).toBe(400);
        expect(res.body).not.toContain(secret);
        expect(mock.requests.length).toBe(before);
        expect(gw.process.lines.slice(linesBefore).filter((l) => l.msg === "request")).toEqual([]);
        expect(gw.process.output()).not.toContain(secret);
      }
    });

    it("a bare-CR credential is refused before the pipeline (400 from the HTTP parser), nothing upstream, nothing logged", async () => {
      const secret = canary();
      gw.scanner.add(secret);
      for (const surface of surfaceNames) {
        const before = mock.requests.length;
        const res = await send(surface, [headerLine(header, `krk_\r${secret}`)]);
        expect(res.status).toBe(400);
        expect(mock.requests.length).toBe(before);
        expect(gw.process.output()).not.toContain(secret);
      }
    });
  });
});

describe("Expect: 100-continue is answered only for a caller with a key", () => {
  const expectContinueHead = (surface: SurfaceName, credential: string) =>
    requestHead("POST", surfaces[surface].path, [
      headerLine("authorization", credential),
      "Content-Type: application/json",
      "anthropic-version: 2023-06-01",
      `Content-Length: ${Buffer.byteLength(surfaces[surface].body)}`,
      "Expect: 100-continue",
    ]);

  it("security: a wrong key gets 401 without 100 Continue, the body is never invited, the connection closes", async () => {
    for (const surface of surfaceNames) {
      const before = mock.requests.length;
      const conn = await RawConnection.open(gw.port);
      try {
        await conn.write(expectContinueHead(surface, `krk_${canary()}`));
        const res = await conn.waitForResponse(5_000);
        gw.record(`expect-continue refused ${surface}`, conn.received());
        expect(res.status).toBe(401);
        expect(conn.received()).not.toContain("100 Continue");
        expect(res.headers.connection).toBe("close");
        expect(await conn.waitForClose(5_000)).toBe(true);
        expect(mock.requests.length).toBe(before);
      } finally {
        conn.destroy();
      }
    }
  });

  it("the relay key gets 100 Continue first, then the answer to the body it sends", async () => {
    for (const surface of surfaceNames) {
      const conn = await RawConnection.open(gw.port);
      try {
        await conn.write(expectContinueHead(surface, relayKey));
        await expect.poll(() => conn.received(), { timeout: 5_000 }).toContain("\r\n\r\n");
        expect(conn.received()).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\n$/);
        await conn.write(surfaces[surface].body);
        await expect
          .poll(() => conn.received(), { timeout: 5_000 })
          .toMatch(/100 Continue\r\n\r\nHTTP\/1\.1 200 /);
      } finally {
        conn.destroy();
      }
    }
  });
});
