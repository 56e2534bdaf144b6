import { createServer, type IncomingHttpHeaders, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { GatewayError } from "../errors.js";
import { scrubSecrets } from "../scrub.js";
import type { RuntimeProvider } from "../snapshot.js";
import { callUpstream } from "./call-upstream.js";
import type { Target } from "./types.js";
import { readText } from "./upstream-response.js";

const provider = (id: string): RuntimeProvider => ({
  id,
  provider: "openai",
  baseURL: `http://${id}`,
  region: undefined,
  credential: "k",
});
const target = (id: string, timeoutMs = 1000): Target => ({ provider: provider(id), model: "m", timeoutMs });
const build = async (t: Target) => ({
  url: t.provider.baseURL ?? "",
  method: "POST" as const,
  headers: {},
  body: "{}",
});
const noSleep = async () => {};

function fakeFetch(answers: Record<string, number | "refuse" | "hang">): typeof fetch {
  return (async (url: string | URL | Request, init?: RequestInit) => {
    const answer = answers[String(url)];
    if (answer === "refuse") throw new TypeError("fetch failed");
    if (answer === "hang") {
      return new Promise<Response>((_, reject) =>
        init?.signal?.addEventListener("abort", () => reject(new Error("aborted"))),
      );
    }
    return new Response(`{"from":"${url}"}`, { status: answer ?? 200 });
  }) as typeof fetch;
}

describe("callUpstream", () => {
  const signal = new AbortController().signal;

  it("falls back on 429, 5xx, connect errors and timeouts", async () => {
    const retries: string[] = [];
    const result = await callUpstream([target("a"), target("b"), target("c", 20), target("d")], build, {
      signal,
      sleep: noSleep,
      fetchImpl: fakeFetch({ "http://a": 429, "http://b": "refuse", "http://c": "hang", "http://d": 200 }),
      onRetry: (r) => retries.push(`${r.target.provider.id}:${r.reason}`),
    });
    expect(result.target.provider.id).toBe("d");
    expect(result.attempts).toBe(4);
    expect(retries).toEqual(["a:status 429", "b:connect error", "c:timeout"]);
    result.clearTimeout();
  });

  it("does not retry a 4xx the caller caused", async () => {
    const result = await callUpstream([target("a"), target("b")], build, {
      signal,
      sleep: noSleep,
      fetchImpl: fakeFetch({ "http://a": 400 }),
    });
    expect(result.response.status).toBe(400);
    expect(result.target.provider.id).toBe("a");
    result.clearTimeout();
  });

  it("returns the last retryable answer when all fail, and throws when none answered", async () => {
    const result = await callUpstream([target("a"), target("b")], build, {
      signal,
      sleep: noSleep,
      fetchImpl: fakeFetch({ "http://a": 503, "http://b": 429 }),
    });
    expect(result.response.status).toBe(429);
    result.clearTimeout();
    await expect(
      callUpstream([target("a")], build, {
        signal,
        sleep: noSleep,
        fetchImpl: fakeFetch({ "http://a": "refuse" }),
      }),
    ).rejects.toMatchObject({ kind: "upstream", status: 502 } satisfies Partial<GatewayError>);
  });
});

interface LocalServer {
  url: string;
  port: number;
  seen: { method: string | undefined; url: string | undefined; headers: IncomingHttpHeaders }[];
}
const servers: ReturnType<typeof createServer>[] = [];

async function serve(answer: RequestListener): Promise<LocalServer> {
  const seen: LocalServer["seen"] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers });
    answer(req, res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, seen };
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const localTarget = (id: string, url: string, allowPrivateNetwork?: boolean): Target => ({
  provider: {
    id,
    provider: "anthropic",
    baseURL: url,
    region: undefined,
    credential: "sk-ant-upstream-secret-0123456789",
    ...(allowPrivateNetwork ? { allowPrivateNetwork } : {}),
  },
  model: "m",
  timeoutMs: 2000,
});
const withKeys = async (t: Target) => ({
  url: `${t.provider.baseURL}/v1/messages`,
  method: "POST" as const,
  headers: { "x-api-key": t.provider.credential ?? "", "api-key": t.provider.credential ?? "" },
  body: "{}",
});

describe("callUpstream against real sockets", () => {
  const signal = new AbortController().signal;

  it.each([301, 302, 303, 307, 308])(
    "security: an upstream %i is not followed: the Location server receives nothing, the caller gets a 502",
    async (status) => {
      const elsewhere = await serve((_req, res) => res.end('{"stolen":true}'));
      const upstream = await serve((_req, res) => {
        res.writeHead(status, { location: `${elsewhere.url}/collect` }).end("moved");
      });
      const a = localTarget("ns/a", upstream.url, true);
      const err = await callUpstream([a, a, a], withKeys, { signal, sleep: noSleep }).catch((e) => e);
      expect(err).toMatchObject({ kind: "upstream", status: 502, details: { code: "upstream_redirect" } });
      expect(String(err.message)).not.toContain(String(elsewhere.port));
      expect(elsewhere.seen).toEqual([]);
      // Not retried to the same place: one request, however many attempts the plan allowed.
      expect(upstream.seen).toHaveLength(1);
    },
  );

  it("security: after a redirect the next provider in the plan is tried, the redirecting one is not", async () => {
    const elsewhere = await serve((_req, res) => res.end("{}"));
    const redirecting = await serve((_req, res) => {
      res.writeHead(307, { location: `${elsewhere.url}/v1/messages` }).end();
    });
    const healthy = await serve((_req, res) => res.end('{"ok":true}'));
    const a = localTarget("ns/a", redirecting.url, true);
    const b = localTarget("ns/b", healthy.url, true);
    const reasons: string[] = [];
    const result = await callUpstream([a, b, a], withKeys, {
      signal,
      sleep: noSleep,
      onRetry: (r) => reasons.push(r.reason),
    });
    expect(JSON.parse(await readText(result.response.body))).toEqual({ ok: true });
    expect(reasons).toEqual(["redirect"]);
    expect(elsewhere.seen).toEqual([]);
    expect(redirecting.seen).toHaveLength(1);
  });

  it("security: a loopback literal is refused at connect time without allowPrivateNetwork", async () => {
    const upstream = await serve((_req, res) => res.end("{}"));
    const a = localTarget("ns/a", upstream.url);
    const err = await callUpstream([a, a], withKeys, { signal, sleep: noSleep }).catch((e) => e);
    expect(err).toMatchObject({
      kind: "upstream",
      status: 502,
      details: { code: "upstream_private_network" },
    });
    expect(err.message).toContain("upstream address is in a private network; set allowPrivateNetwork");
    expect(upstream.seen).toEqual([]);
  });

  it("security: a name that resolves to loopback (localhost) is refused at connect time without allowPrivateNetwork", async () => {
    const upstream = await serve((_req, res) => res.end("{}"));
    const a = localTarget("ns/a", `http://localhost:${upstream.port}`);
    const err = await callUpstream([a], withKeys, { signal, sleep: noSleep }).catch((e) => e);
    expect(err).toMatchObject({ details: { code: "upstream_private_network" } });
    expect(upstream.seen).toEqual([]);
  });

  it("reaches a loopback upstream when the ProviderKey sets allowPrivateNetwork", async () => {
    const upstream = await serve((_req, res) => res.end('{"ok":true}'));
    const result = await callUpstream([localTarget("ns/a", upstream.url, true)], withKeys, { signal });
    expect(JSON.parse(await readText(result.response.body))).toEqual({ ok: true });
    expect(upstream.seen[0]?.headers["x-api-key"]).toBe("sk-ant-upstream-secret-0123456789");
    result.clearTimeout();
  });
});

describe("callUpstream secrets for scrubbing", () => {
  it("security: the attempt names the minted token and SigV4 key id the call carried, so an error body echoing them is scrubbed", async () => {
    const vertex: Target = {
      provider: {
        id: "ns/v",
        provider: "vertex",
        baseURL: "http://v",
        region: "us-east5",
        credential: undefined,
      },
      model: "m",
      timeoutMs: 1000,
    };
    const token = "ya29.minted-access-token-0123456789";
    const result = await callUpstream(
      [vertex],
      async () => ({
        url: "http://v",
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
        },
        body: "{}",
      }),
      {
        signal: new AbortController().signal,
        fetchImpl: (async () =>
          new Response(`{"error":"token ${token} expired"}`, { status: 401 })) as typeof fetch,
      },
    );
    result.clearTimeout();
    const scrubbed = scrubSecrets(await readText(result.response.body), result.secrets);
    expect(scrubbed).toBe('{"error":"token [redacted] expired"}');

    const signed = await callUpstream(
      [vertex],
      async () => ({
        url: "http://v",
        method: "POST",
        headers: {
          authorization:
            "AWS4-HMAC-SHA256 Credential=ASIAAMBIENTKEYID0001/20250101/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=0",
          "x-amz-security-token": "ambient-session-token-0123456789",
        },
        body: "{}",
      }),
      {
        signal: new AbortController().signal,
        fetchImpl: (async () => new Response("{}", { status: 403 })) as typeof fetch,
      },
    );
    signed.clearTimeout();
    expect(signed.secrets).toEqual(["ASIAAMBIENTKEYID0001", "ambient-session-token-0123456789"]);
  });
});
