import { describe, expect, it } from "vitest";
import { createLimiter } from "../limits/create-limiter.js";
import type { RuntimeProvider } from "../snapshot.js";
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
      const caps = new NamespaceCaps(limiter, ns, true);
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
    const first = new NamespaceCaps(limiter, "team-a", true);
    expect(await first.admit(capped)).toBeUndefined();
    await first.finish(capped.provider.id, { inputTokens: 10, outputTokens: 10, costUsd: 1.5 });
    const refused = await new NamespaceCaps(limiter, "team-a", true).admit(capped);
    expect(refused?.status).toBe(429);
    expect(Number(refused?.details.headers?.["retry-after"])).toBeGreaterThan(0);
  });

  it("charges usage only to the key that served, and leaves uncapped keys alone", async () => {
    const limiter = await createLimiter();
    const a = target("platform/a", { limits: { tokensPerMinute: 100 } });
    const b = target("platform/b", { limits: { tokensPerMinute: 100 } });
    const caps = new NamespaceCaps(limiter, "team-a", true);
    expect(await caps.admit(a)).toBeUndefined();
    expect(await caps.admit(b)).toBeUndefined();
    expect(await caps.admit(target("platform/free"))).toBeUndefined();
    await caps.finish("platform/b", { inputTokens: 80, outputTokens: 40, costUsd: 0 });
    // b spent its 100 tokens this minute; a spent none.
    expect((await new NamespaceCaps(limiter, "team-a", true).admit(b))?.status).toBe(429);
    expect(await new NamespaceCaps(limiter, "team-a", true).admit(a)).toBeUndefined();
  });

  it("admits everything when the gateway runs without a limiter", async () => {
    const caps = new NamespaceCaps(undefined, "team-a", true);
    expect(await caps.admit(target("platform/a", { limits: { requestsPerMinute: 1 } }))).toBeUndefined();
  });
});
