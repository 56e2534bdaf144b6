import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Scope } from "./limiter.js";
import { scopeTag } from "./redis-keys.js";
import { RedisStore } from "./redis-store.js";
import { testRedis } from "./testing/test-redis.js";
import { timingAt } from "./timing.js";

const { redis, prefix } = testRedis();

const LEASE_TTL_MS = 10_000;

/** Budget holds in Redis are a running total; these are the cases the parity test cannot reach. */
describe("budget holds in Redis", () => {
  it("releases the holds of a gateway that died, a batch per admission, and then reads exactly 0", async () => {
    const store = new RedisStore(redis, prefix, LEASE_TTL_MS);
    const scope: Scope = { id: `policy:ns/${randomUUID()}`, budget: { usdPerDay: 1_000 } };
    const start = Date.UTC(2026, 11, 6, 12);
    // 200 requests in flight on a gateway that then dies: no finish ever comes.
    for (let i = 0; i < 200; i++) await store.admit([scope], timingAt(start), `dead-${i}`, 0.1);
    const held = await store.admit([scope], timingAt(start), "probe", 0);
    expect(held.usages[0]?.reservedUsd).toBeCloseTo(20, 9);

    // Past their expiry, each admission releases up to 64 and never counts less than is still held.
    const later = timingAt(start + LEASE_TTL_MS + 1);
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) {
      seen.push((await store.admit([scope], later, `live-${i}`, 0)).usages[0]?.reservedUsd ?? -1);
    }
    expect(seen.map((usd) => Math.round(usd * 10))).toEqual([200 - 64, 200 - 128, 200 - 192, 0]);
    expect(seen[3]).toBe(0);
    const tag = scopeTag(prefix, scope.id);
    expect(await redis.exists(`${tag}:holds:usd`, `${tag}:holds`, `${tag}:holds:expiry`)).toBe(0);
  });

  it("takes a hold once per lease, and gives it back once", async () => {
    const store = new RedisStore(redis, prefix, LEASE_TTL_MS);
    const scope: Scope = { id: `policy:ns/${randomUUID()}`, budget: { usdPerMonth: 10 } };
    const t = timingAt(Date.UTC(2026, 11, 6, 12));
    await store.admit([scope], t, "a", 0.5);
    await store.admit([scope], t, "a", 0.5);
    await store.admit([scope], t, "b", 0.25);
    expect((await store.admit([scope], t, "probe", 0)).usages[0]?.reservedUsd).toBe(0.75);
    const usage = { inputTokens: 1, outputTokens: 1, costUsd: 0.5 };
    await store.finish([scope], t, "a", usage);
    // A second finish of the same lease finds no hold: b's stays whole.
    await store.finish([scope], t, "a", { ...usage, costUsd: 0 });
    const after = (await store.admit([scope], t, "probe", 0)).usages[0];
    expect(after?.reservedUsd).toBe(0.25);
    expect(after?.spentThisMonthUsd).toBe(0.5);
  });

  it("keeps the holds' keys no longer than a lease", async () => {
    const store = new RedisStore(redis, prefix, LEASE_TTL_MS);
    const scope: Scope = { id: `policy:ns/${randomUUID()}`, budget: { usdPerDay: 10 } };
    await store.admit([scope], timingAt(Date.now()), "a", 0.5);
    const tag = scopeTag(prefix, scope.id);
    for (const key of [`${tag}:holds`, `${tag}:holds:expiry`, `${tag}:holds:usd`]) {
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(LEASE_TTL_MS + 60_000);
    }
  });
});
