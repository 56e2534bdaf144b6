import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Scope } from "./limiter.js";
import { MemoryStore } from "./memory-store.js";
import { RedisStore } from "./redis-store.js";
import { DAY_MS, MINUTE_MS } from "./sliding-window.js";
import { testRedis } from "./testing/test-redis.js";
import { timingAt } from "./timing.js";

const { redis, prefix } = testRedis();

/**
 * The admit script mirrors bucket-ring.ts: the same traffic through both stores must get the same
 * verdicts and read the same windows, to the millisecond.
 */
describe("memory and Redis stores agree (the admit script mirrors bucket-ring.ts)", () => {
  const step = fc.record({
    gap: fc.oneof(
      fc.integer({ min: 0, max: 1_500 }),
      fc.integer({ min: 0, max: 2 * MINUTE_MS }),
      fc.constant(Math.floor(DAY_MS / 7)),
    ),
    tokens: fc.integer({ min: 0, max: 40 }),
  });
  const traffic = fc.record({
    start: fc.integer({ min: 0, max: DAY_MS }),
    limits: fc.record({
      requestsPerMinute: fc.integer({ min: 1, max: 5 }),
      tokensPerMinute: fc.integer({ min: 1, max: 100 }),
      requestsPerDay: fc.integer({ min: 1, max: 12 }),
    }),
    steps: fc.array(step, { minLength: 1, maxLength: 30 }),
  });

  it("on arbitrary traffic: same verdicts, same windows to the millisecond", async () => {
    await fc.assert(
      fc.asyncProperty(traffic, async ({ start, limits, steps }) => {
        const memory = new MemoryStore(600_000);
        const shared = new RedisStore(redis, prefix, 600_000);
        const scopes: Scope[] = [{ id: `key:ns/${randomUUID()}`, limits }];
        let now = Date.UTC(2026, 0, 1) + start;
        for (const { gap, tokens } of steps) {
          now += gap;
          const t = timingAt(now);
          const [inMemory, inRedis] = [
            await memory.admit(scopes, t, "l"),
            await shared.admit(scopes, t, "l"),
          ];
          expect(inRedis.admitted).toBe(inMemory.admitted);
          expect(inRedis.usages).toEqual(inMemory.usages);
          expect(inRedis.refusedBy?.reason).toBe(inMemory.refusedBy?.reason);
          if (!inMemory.admitted) continue;
          const usage = { inputTokens: tokens, outputTokens: 0, costUsd: 0 };
          await memory.finish(scopes, t, "l", usage);
          await shared.finish(scopes, t, "l", usage);
        }
      }),
      { numRuns: 40 },
    );
  }, 30_000);
});

describe("memory and Redis stores agree on budget reservations", () => {
  it("same verdicts and the same spend and holds, through admits, finishes and an expired hold", async () => {
    const memory = new MemoryStore(10_000);
    const shared = new RedisStore(redis, prefix, 10_000);
    const scopes: Scope[] = [
      { id: `policy:ns/${randomUUID()}`, budget: { usdPerDay: 1, usdPerMonth: 3 } },
      { id: `key:ns/${randomUUID()}`, limits: { requestsPerMinute: 100 } },
    ];
    let now = Date.UTC(2026, 11, 6, 12);
    // Binary fractions: sums are exact whatever order each store adds them in.
    const steps: (
      | { admit: string; reserve: number }
      | { finish: string; cost: number }
      | { wait: number }
    )[] = [
      { admit: "a", reserve: 0.25 },
      { admit: "b", reserve: 0.5 },
      { admit: "c", reserve: 0.5 },
      { finish: "a", cost: 0.125 },
      { admit: "d", reserve: 0.375 },
      { admit: "e", reserve: 0 },
      { wait: 10_001 },
      { admit: "f", reserve: 0.75 },
      { finish: "f", cost: 0.875 },
      { admit: "g", reserve: 0 },
    ];
    for (const step of steps) {
      if ("wait" in step) {
        now += step.wait;
        continue;
      }
      const t = timingAt(now);
      if ("finish" in step) {
        const usage = { inputTokens: 1, outputTokens: 1, costUsd: step.cost };
        await memory.finish(scopes, t, step.finish, usage);
        await shared.finish(scopes, t, step.finish, usage);
        continue;
      }
      const inMemory = await memory.admit(scopes, t, step.admit, step.reserve);
      const inRedis = await shared.admit(scopes, t, step.admit, step.reserve);
      expect({ step: step.admit, admitted: inRedis.admitted }).toEqual({
        step: step.admit,
        admitted: inMemory.admitted,
      });
      expect(inRedis.usages).toEqual(inMemory.usages);
    }
    // The last admission saw a's and f's spend, and no hold left (b and d expired, f finished).
    const last = await memory.admit(scopes, timingAt(now), "h", 0);
    expect(last.usages[0]).toMatchObject({ spentTodayUsd: 1, reservedUsd: 0 });
    expect(last.admitted).toBe(false);
  });
});
