import { afterAll, describe, expect, it, vi } from "vitest";
import { type CuttableProxy, startCuttableProxy } from "../../e2e/harness/cuttable-proxy.js";
import { createLimiter } from "./create-limiter.js";
import type { LimitStore } from "./limit-store.js";
import { MemoryStore } from "./memory-store.js";
import { RedisStore } from "./redis-store.js";
import { testRedis } from "./testing/test-redis.js";
import { timingAt } from "./timing.js";

const { redis, prefix } = testRedis();
const t = timingAt(Date.UTC(2026, 11, 6, 12, 0, 0));
const budget = { usdPerDay: 10, usdPerMonth: 100 };

/** What a scope has spent, read as an admission does: the most it may still reserve. */
async function headroom(store: LimitStore, id: string): Promise<number> {
  const [usage] = (await store.admit([{ id, budget }], t, `probe-${Math.random()}`, 0)).usages;
  return budget.usdPerDay - (usage?.spentTodayUsd ?? 0);
}

describe.each([
  ["memory", () => new MemoryStore(600_000)],
  ["redis", () => new RedisStore(redis, prefix, 600_000)],
] as const)("raiseSpend on the %s store", (_, make) => {
  it("raises a scope's day and month to the ledger's sums, and never lowers what it counted itself", async () => {
    const store = make();
    const id = `policy:ns/floor-${Math.random()}`;
    await store.raiseSpend([{ scope: id, todayUsd: 3, thisMonthUsd: 30 }], t);
    expect(await headroom(store, id)).toBeCloseTo(7, 9);
    // Spent here and not in the ledger yet: a lower floor must not take it back.
    await store.finish([{ id, budget }], t, "lease-1", { inputTokens: 1, outputTokens: 1, costUsd: 2 });
    await store.raiseSpend([{ scope: id, todayUsd: 4, thisMonthUsd: 31 }], t);
    expect(await headroom(store, id)).toBeCloseTo(5, 9);
    await store.raiseSpend([{ scope: id, todayUsd: 9.5, thisMonthUsd: 40 }], t);
    expect(await headroom(store, id)).toBeCloseTo(0.5, 9);
  });
});

describe("a Redis that comes back without its data", () => {
  let proxy: CuttableProxy | undefined;
  afterAll(async () => {
    await proxy?.close();
  });

  it("gets the ledger's spend back on reconnection, so a budget spent before stays spent", async () => {
    const target = new URL(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
    proxy = await startCuttableProxy({ host: target.hostname, port: Number(target.port || 6379) });
    const id = `policy:ns/restarted-${Math.random()}`;
    let applied = 0;
    const limiter = await createLimiter({
      redisUrl: `redis://127.0.0.1:${proxy.port}`,
      keyPrefix: prefix,
      clock: () => t.now,
      spendFloor: async () => [{ scope: id, todayUsd: 9.9, thisMonthUsd: 9.9 }],
      onSpendFloor: () => applied++,
      onStoreError: () => {},
    });
    try {
      await vi.waitFor(() => expect(applied).toBe(1));
      const req = { scopes: [{ id, budget }], failOpen: false, reserveUsd: 0.5 };
      expect((await limiter.admit(req)).allowed).toBe(false);
      // Redis restarts empty: its keys are gone, and the gateway's connection drops.
      proxy.cut();
      const keys = await redis.keys(`${prefix}{${id}}*`);
      if (keys.length > 0) await redis.del(...keys);
      proxy.restore();
      await vi.waitFor(() => expect(applied).toBe(2), { timeout: 10_000, interval: 50 });
      expect((await limiter.admit(req)).allowed).toBe(false);
    } finally {
      await limiter.close();
    }
  });
});
