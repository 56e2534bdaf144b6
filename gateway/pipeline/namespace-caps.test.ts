import http, { type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashRelayKey } from "../../common/crypto/relay-key.js";
import { createLogger } from "../../common/log.js";
import { type MockProvider, startMockProvider } from "../../e2e/mock-provider/server.js";
import { createGatewayApp } from "../app.js";
import { createLimiter } from "../limits/create-limiter.js";
import { createGatewayMetrics } from "../metrics.js";
import type { RuntimeProvider } from "../snapshot.js";
import { SnapshotHolder } from "../snapshot.js";
import { NamespaceCaps } from "./namespace-caps.js";
import type { Target } from "./types.js";

const target = (id: string, perNamespace?: RuntimeProvider["perNamespace"]): Target => ({
  provider: {
    id,
    provider: "openai",
    baseURL: undefined,
    region: undefined,
    credential: "sk-test",
    ...(perNamespace ? { perNamespace } : {}),
  },
  model: "gpt-4o",
  timeoutMs: 1000,
});

describe("NamespaceCaps", () => {
  it("security: a ProviderKey's per-namespace request cap binds each namespace separately", async () => {
    const limiter = await createLimiter();
    const capped = target("platform/openai", { limits: { requestsPerMinute: 2 } });
    const admitted = async (ns: string) => {
      const caps = new NamespaceCaps(limiter, ns);
      const refused = await caps.admit(capped);
      await caps.finish(capped.provider.id, { inputTokens: 1, outputTokens: 1, costUsd: 0 });
      return refused === undefined;
    };
    expect([await admitted("team-a"), await admitted("team-a"), await admitted("team-a")]).toEqual([
      true,
      true,
      false,
    ]);
    // Another namespace has its own allowance.
    expect(await admitted("team-b")).toBe(true);
  });

  it("refuses with 429 and retry-after once a namespace's daily budget on the key is spent", async () => {
    const limiter = await createLimiter();
    const capped = target("platform/openai", { budget: { usdPerDay: 1 } });
    const first = new NamespaceCaps(limiter, "team-a");
    expect(await first.admit(capped)).toBeUndefined();
    await first.finish(capped.provider.id, { inputTokens: 10, outputTokens: 10, costUsd: 1.5 });
    const refused = await new NamespaceCaps(limiter, "team-a").admit(capped);
    expect(refused?.status).toBe(429);
    expect(Number(refused?.details.headers?.["retry-after"])).toBeGreaterThan(0);
  });

  it("charges usage only to the key that served, and leaves uncapped keys alone", async () => {
    const limiter = await createLimiter();
    const a = target("platform/a", { limits: { tokensPerMinute: 100 } });
    const b = target("platform/b", { limits: { tokensPerMinute: 100 } });
    const caps = new NamespaceCaps(limiter, "team-a");
    expect(await caps.admit(a)).toBeUndefined();
    expect(await caps.admit(b)).toBeUndefined();
    expect(await caps.admit(target("platform/free"))).toBeUndefined();
    await caps.finish("platform/b", { inputTokens: 80, outputTokens: 40, costUsd: 0 });
    // b spent its 100 tokens this minute; a spent none.
    expect((await new NamespaceCaps(limiter, "team-a").admit(b))?.status).toBe(429);
    expect(await new NamespaceCaps(limiter, "team-a").admit(a)).toBeUndefined();
  });

  it("security: while the store is away, the ProviderKey's failOpen decides, not the tenant's Policy", async () => {
    // Nothing listens on port 1: the store is unreachable at once.
    const limiter = await createLimiter({ redisUrl: "redis://127.0.0.1:1", onStoreError: () => {} });
    try {
      const closed = target("platform/closed", { limits: { requestsPerMinute: 100 }, failOpen: false });
      const open = target("platform/open", { limits: { requestsPerMinute: 100 } });
      const caps = new NamespaceCaps(limiter, "team-a");
      expect((await caps.admit(closed))?.status).toBe(503);
      expect(await caps.admit(open)).toBeUndefined();
    } finally {
      await limiter.close();
    }
  });

  it("admits everything when the gateway runs without a limiter", async () => {
    const caps = new NamespaceCaps(undefined, "team-a");
    expect(await caps.admit(target("platform/a", { limits: { requestsPerMinute: 1 } }))).toBeUndefined();
  });
});

describe("ProviderKey perNamespace caps through the gateway", () => {
  const relayKey = "krk_namespace-caps-test-key-0123456789";
  const providerKey = "sk-upstream-namespace-caps-0123456789";
  let mock: MockProvider;
  let server: Server;
  let port = 0;
  const logs: string[] = [];

  beforeAll(async () => {
    mock = await startMockProvider({ openaiKey: providerKey, chunkDelayMs: 1 });
    const provider = (id: string, perNamespace?: RuntimeProvider["perNamespace"]): RuntimeProvider => ({
      id,
      provider: "openai-compatible",
      baseURL: `${mock.url}/v1`,
      region: undefined,
      credential: providerKey,
      allowPrivateNetwork: true,
      ...(perNamespace ? { perNamespace } : {}),
    });
    const snapshots = new SnapshotHolder();
    const hash = hashRelayKey(relayKey);
    snapshots.swap({
      generation: "1",
      keys: new Map([[hash, { hash, id: "team-a/app", policy: "team-a/p" }]]),
      policies: new Map([
        [
          "team-a/p",
          {
            routes: [
              {
                model: "capped-only",
                targets: [{ provider: "platform/capped", model: "gpt-4o-mini", weight: 1 }],
              },
              {
                model: "with-fallback",
                targets: [
                  { provider: "platform/capped", model: "gpt-4o-mini", weight: 1000 },
                  { provider: "platform/spare", model: "gpt-4o-mini", weight: 1 },
                ],
              },
            ],
            // The tenant's own Policy asks for more than the platform allows: it cannot raise the cap.
            limits: { requestsPerMinute: 1000 },
          },
        ],
      ]),
      providers: new Map([
        ["platform/capped", provider("platform/capped", { limits: { requestsPerMinute: 2 } })],
        ["platform/spare", provider("platform/spare")],
      ]),
    });
    server = http
      .createServer(
        createGatewayApp({
          snapshots,
          metrics: createGatewayMetrics(),
          log: createLogger("gateway", { sink: (l) => logs.push(l) }),
          limiter: await createLimiter(),
          price: () => 0.001,
          defaultMaxBodyBytes: 1 << 20,
          maxAttempts: 2,
          defaultTimeoutMs: 5000,
        }),
      )
      .listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await mock.close();
  });

  const chat = async (model: string) => {
    const res = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${relayKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
    });
    return {
      status: res.status,
      headers: res.headers,
      body: (await res.json()) as { error?: { code?: string } },
    };
  };
  const lastProvider = () => {
    const lines = logs.map((l) => JSON.parse(l) as { msg?: string; provider?: string });
    return lines.filter((l) => l.msg === "request").at(-1)?.provider;
  };

  it("security: the platform's cap refuses the namespace with 429 although its own Policy allows more", async () => {
    expect((await chat("capped-only")).status).toBe(200);
    expect((await chat("capped-only")).status).toBe(200);
    const refused = await chat("capped-only");
    expect(refused.status).toBe(429);
    expect(refused.body.error?.code).toBe("rate_limit_exceeded");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("a capped ProviderKey is skipped like a failing one: the route falls back to its next target", async () => {
    const served = await chat("with-fallback");
    expect(served.status).toBe(200);
    expect(lastProvider()).toBe("platform/spare");
  });
});
