import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { Registry } from "prom-client";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createLimiter, type LimiterOptions } from "./create-limiter.js";
import type { Admission, AdmitRequest, Allowance, Limiter, Refusal, Scope } from "./limiter.js";
import { limiterMetrics } from "./limiter-metrics.js";
import { DAY_MS, MINUTE_MS } from "./sliding-window.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** Time the test controls, starting one second into a fresh minute so windows are predictable. */
function fakeClock(start = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS + 1_000) {
  const clock = {
    now: start,
    advance: (ms: number) => (clock.now += ms),
    set: (ms: number) => (clock.now = ms),
  };
  return clock;
}

let admin: Redis;
const prefixes: string[] = [];

beforeAll(async () => {
  // A missing Redis fails these tests: they are the proof that limits hold across replicas.
  admin = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await admin.connect();
});

afterAll(async () => {
  for (const prefix of prefixes) {
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
  }
  await admin.quit();
});

const backends = {
  memory: (options: LimiterOptions) => createLimiter(options),
  redis: (options: LimiterOptions & { keyPrefix: string }) =>
    createLimiter({ ...options, redisUrl: REDIS_URL }),
};

describe.each(Object.entries(backends))("%s limiter", (backend, make) => {
  const open: Limiter[] = [];
  let prefix = "";

  async function limiter(options: Omit<LimiterOptions, "keyPrefix"> = {}): Promise<Limiter> {
    const made = await make({ ...options, keyPrefix: prefix });
    open.push(made);
    return made;
  }

  beforeAll(() => {
    prefix = `kuberelay-test:${randomUUID()}:`;
    prefixes.push(prefix);
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((l) => l.close()));
  });

  const uniq = (name: string) => `${name}:${randomUUID()}`;
  const admitMany = (l: Limiter, n: number, req: AdmitRequest) =>
    Promise.all(Array.from({ length: n }, () => l.admit(req)));

  it("reports its backend", async () => {
    expect((await limiter()).backend).toBe(backend);
  });

  it("admits exactly N per minute, then refuses with retry-after", async () => {
    const clock = fakeClock();
    const l = await limiter({ clock: () => clock.now });
    const req = { scopes: [{ id: uniq("key:ns/rpm"), limits: { requestsPerMinute: 5 } }], failOpen: false };
    const admitted: Admission[] = [];
    for (let i = 0; i < 5; i++) admitted.push(await l.admit(req));
    expect(admitted.every((a) => a.allowed)).toBe(true);
    expect(admitted.map((a) => a.headers["x-ratelimit-remaining-requests"])).toEqual([
      "4",
      "3",
      "2",
      "1",
      "0",
    ]);
    expect(admitted[0]?.headers["x-ratelimit-limit-requests"]).toBe("5");

    const refused = refusal(await l.admit(req));
    expect(refused.reason).toBe("requests_per_minute");
    expect(refused.scope).toBe(req.scopes[0]?.id);
    // All five landed in the bucket of this very second, which stops counting one minute on.
    expect(refused.retryAfterSeconds).toBe(60);
    expect(refused.headers["retry-after"]).toBe("60");
    expect(refused.headers["retry-after-ms"]).toBe("60000");
    expect(refused.headers["x-ratelimit-remaining-requests"]).toBe("0");
    expect(refused.message).toContain("requests per minute");

    clock.advance(refused.retryAfterSeconds * 1000);
    expect((await l.admit(req)).allowed).toBe(true);
  });

  /**
   * Issue 10: three requests in the first second of a window, the fourth refused. The refusal
   * must name the instant the limit admits again, no later than one window after the first
   * request, and that instant must work: 1 ms before it is still refused, at it is admitted.
   */
  describe.each([
    {
      name: "requests per minute",
      limits: { requestsPerMinute: 3 },
      reason: "requests_per_minute",
      windowMs: MINUTE_MS,
      tokens: 0,
    },
    {
      name: "tokens per minute",
      limits: { tokensPerMinute: 3 },
      reason: "tokens_per_minute",
      windowMs: MINUTE_MS,
      tokens: 1,
    },
    {
      name: "requests per day",
      limits: { requestsPerDay: 3 },
      reason: "requests_per_day",
      windowMs: DAY_MS,
      tokens: 0,
    },
  ] as const)("issue 10: $name", ({ limits, reason, windowMs, tokens }) => {
    /** A fresh scope at the first instant of a window, spent by three requests in its first second. */
    async function burst() {
      const start = Math.floor(Date.now() / windowMs) * windowMs;
      const clock = fakeClock(start + 200);
      const l = await limiter({ clock: () => clock.now });
      const req = { scopes: [{ id: uniq("key:ns/issue10"), limits }], failOpen: false };
      for (const at of [200, 500, 900]) {
        clock.set(start + at);
        await allowed(await l.admit(req)).finish({ inputTokens: tokens, outputTokens: 0, costUsd: 0 });
      }
      clock.set(start + 950);
      const refused = refusal(await l.admit(req));
      expect(refused.reason).toBe(reason);
      const retryMs = Number(refused.headers["retry-after-ms"]);
      expect(Number.isInteger(retryMs) && retryMs > 0).toBe(true);
      // Back within one window of the oldest counted request (made at +200 ms), never later.
      expect(clock.now + retryMs).toBeLessThanOrEqual(start + 200 + windowMs);
      expect(refused.retryAfterSeconds).toBe(Math.ceil(retryMs / 1000));
      expect(refused.headers["retry-after"]).toBe(String(refused.retryAfterSeconds));
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(windowMs / 1000);
      return { l, req, clock, refusedAt: clock.now, retryMs, retryAfterSeconds: refused.retryAfterSeconds };
    }

    it("retry-after-ms is exact: refused 1 ms before it, admitted at it", async () => {
      const { l, req, clock, refusedAt, retryMs } = await burst();
      clock.set(refusedAt + retryMs - 1);
      expect(refusal(await l.admit(req)).reason).toBe(reason);
      clock.set(refusedAt + retryMs);
      expect((await l.admit(req)).allowed).toBe(true);
    });

    it("retry-after (whole seconds) is admitted", async () => {
      const { l, req, clock, refusedAt, retryAfterSeconds } = await burst();
      clock.set(refusedAt + retryAfterSeconds * 1000);
      expect((await l.admit(req)).allowed).toBe(true);
    });

    it("x-ratelimit-reset-* is when the whole limit is back", async () => {
      const { l, req, clock, refusedAt } = await burst();
      const kind = reason === "tokens_per_minute" ? "tokens" : "requests";
      const refused = refusal(await l.admit(req));
      const resetMs = parseDuration(refused.headers[`x-ratelimit-reset-${kind}`]);
      expect(resetMs).toBeLessThanOrEqual(windowMs);
      clock.set(refusedAt + resetMs);
      const back = allowed(await l.admit(req));
      // Nothing of the burst is counted any more: only this request itself, for requests.
      expect(back.headers[`x-ratelimit-remaining-${kind}`]).toBe(String(kind === "tokens" ? 3 : 2));
    });
  });

  it("admits the limit under concurrent admissions, never more", async () => {
    const clock = fakeClock();
    const l = await limiter({ clock: () => clock.now });
    const results = await admitMany(l, 40, {
      scopes: [{ id: uniq("key:ns/burst"), limits: { requestsPerMinute: 25 } }],
      failOpen: false,
    });
    expect(results.filter((a) => a.allowed)).toHaveLength(25);
  });

  it("applies key and policy limits together; a refusal in one consumes nothing in the other", async () => {
    const clock = fakeClock();
    const l = await limiter({ clock: () => clock.now });
    const policy: Scope = { id: uniq("policy:ns/p"), limits: { requestsPerMinute: 3 } };
    const keyA: Scope = { id: uniq("key:ns/a"), limits: { requestsPerMinute: 2 } };
    const keyB: Scope = { id: uniq("key:ns/b"), limits: { requestsPerMinute: 10 } };
    const viaA = { scopes: [keyA, policy], failOpen: false };
    const viaB = { scopes: [keyB, policy], failOpen: false };

    expect((await l.admit(viaA)).allowed).toBe(true);
    expect((await l.admit(viaA)).allowed).toBe(true);
    const byKey = refusal(await l.admit(viaA));
    expect([byKey.reason, byKey.scope]).toEqual(["requests_per_minute", keyA.id]);

    // The policy still has exactly one request left: the key's refusal did not count against it.
    expect((await l.admit(viaB)).allowed).toBe(true);
    const byPolicy = refusal(await l.admit(viaB));
    expect([byPolicy.reason, byPolicy.scope]).toEqual(["requests_per_minute", policy.id]);

    // And key B was charged once, not for the policy's refusal: nine more fit on its own.
    const alone = await admitMany(l, 10, { scopes: [keyB], failOpen: false });
    expect(alone.filter((a) => a.allowed)).toHaveLength(9);
  });

  it("headers describe the tightest scope", async () => {
    const clock = fakeClock();
    const l = await limiter({ clock: () => clock.now });
    const scopes: Scope[] = [
      { id: uniq("key:ns/wide"), limits: { requestsPerMinute: 100, tokensPerMinute: 50_000 } },
      { id: uniq("policy:ns/narrow"), limits: { requestsPerMinute: 10, tokensPerMinute: 9_000 } },
    ];
    const a = allowed(await l.admit({ scopes, failOpen: false }));
    expect(a.headers).toEqual({
      "x-ratelimit-limit-requests": "10",
      "x-ratelimit-remaining-requests": "9",
      "x-ratelimit-reset-requests": "1m0s",
      "x-ratelimit-limit-tokens": "9000",
      "x-ratelimit-remaining-tokens": "9000",
      "x-ratelimit-reset-tokens": "0s",
    });
  });

  it("refuses by tokens per minute once recorded tokens reach the limit", async () => {
    const clock = fakeClock();
    const l = await limiter({ clock: () => clock.now });
    const req = { scopes: [{ id: uniq("key:ns/tpm"), limits: { tokensPerMinute: 1000 } }], failOpen: false };
    await allowed(await l.admit(req)).finish({ inputTokens: 400, outputTokens: 200, costUsd: 0 });
    const second = allowed(await l.admit(req));
    expect(second.headers["x-ratelimit-remaining-tokens"]).toBe("400");
    await second.finish({ inputTokens: 300, outputTokens: 100, costUsd: 0 });
    const refused = refusal(await l.admit(req));
    expect(refused.reason).toBe("tokens_per_minute");
    expect(refused.headers["x-ratelimit-remaining-tokens"]).toBe("0");
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(59);
  });

  it("holds a concurrency lease until finish, and finish counts once however often it is called", async () => {
    const clock = fakeClock();
    const l = await limiter({ clock: () => clock.now });
    const req = {
      scopes: [{ id: uniq("key:ns/conc"), limits: { maxConcurrentRequests: 2, tokensPerMinute: 1000 } }],
      failOpen: false,
    };
    const first = allowed(await l.admit(req));
    const second = allowed(await l.admit(req));
    const third = refusal(await l.admit(req));
    expect([third.reason, third.retryAfterSeconds]).toEqual(["concurrency", 1]);

    const usage = { inputTokens: 300, outputTokens: 300, costUsd: 0 };
    await first.finish(usage);
    await first.finish(usage);
    // 600 tokens, not 1200: the second finish did nothing, so the token limit still admits.
    const fourth = allowed(await l.admit(req));
    expect(refusal(await l.admit(req)).reason).toBe("concurrency");
    await Promise.all([second.finish(usage), fourth.finish(usage)]);
  });

  it("expires a lease that is never finished (the gateway died), and a late renewal does not bring it back", async () => {
    const clock = fakeClock();
    const l = await limiter({ clock: () => clock.now, leaseTtlMs: 2_000 });
    const req = {
      scopes: [{ id: uniq("key:ns/lease"), limits: { maxConcurrentRequests: 1 } }],
      failOpen: false,
    };
    allowed(await l.admit(req));
    expect(refusal(await l.admit(req)).reason).toBe("concurrency");
    clock.advance(2_001);
    await l.renewLeases();
    expect((await l.admit(req)).allowed).toBe(true);
  });

  it("keeps the lease and the reservation of a request still running past the lease TTL, renewed", async () => {
    const clock = fakeClock();
    const l = await limiter({ clock: () => clock.now, leaseTtlMs: 2_000 });
    const scope = {
      id: uniq("key:ns/long-stream"),
      limits: { maxConcurrentRequests: 1 },
      budget: { usdPerDay: 1 },
    };
    const req = { scopes: [scope], failOpen: false, reserveUsd: 0.75 };
    const running = allowed(await l.admit(req));
    // A stream running for three TTLs, renewed every third of one as the gateway's timer does.
    for (let i = 0; i < 9; i++) {
      clock.advance(667);
      await l.renewLeases();
    }
    expect(refusal(await l.admit(req)).reason).toBe("concurrency");
    expect(refusal(await l.admit({ ...req, scopes: [{ ...scope, limits: {} }] })).reason).toBe("budget_day");
    await running.finish({ inputTokens: 1, outputTokens: 1, costUsd: 0.1 });
    // Finished: nothing is renewed any more, and the slot and the reservation are free.
    await l.renewLeases();
    expect((await l.admit({ ...req, reserveUsd: 0.5 })).allowed).toBe(true);
  });

  it("counts requests per day", async () => {
    const clock = fakeClock();
    const l = await limiter({ clock: () => clock.now });
    const req = { scopes: [{ id: uniq("key:ns/rpd"), limits: { requestsPerDay: 3 } }], failOpen: false };
    for (let i = 0; i < 3; i++) {
      expect((await l.admit(req)).allowed).toBe(true);
      clock.advance(5 * MINUTE_MS);
    }
    const refused = refusal(await l.admit(req));
    expect(refused.reason).toBe("requests_per_day");
    expect(refused.headers["x-ratelimit-limit-requests"]).toBe("3");
  });

  it("refuses once the UTC day's spend reaches the daily budget, until the next day", async () => {
    const clock = fakeClock(Date.UTC(2026, 10, 24, 23, 0, 0));
    const l = await limiter({ clock: () => clock.now });
    const req = { scopes: [{ id: uniq("policy:ns/daily"), budget: { usdPerDay: 1 } }], failOpen: false };
    await allowed(await l.admit(req)).finish({ inputTokens: 1, outputTokens: 1, costUsd: 0.6 });
    await allowed(await l.admit(req)).finish({ inputTokens: 1, outputTokens: 1, costUsd: 0.4 });
    const refused = refusal(await l.admit(req));
    expect(refused.reason).toBe("budget_day");
    expect(refused.retryAfterSeconds).toBe(3600);
    expect(refused.message).toContain("$1");
    clock.set(Date.UTC(2026, 10, 25, 0, 0, 1));
    expect((await l.admit(req)).allowed).toBe(true);
  });

  describe("budgets hold under concurrency (reservations)", () => {
    it("admits 50 concurrent requests against a budget worth 5 of them: exactly 5", async () => {
      const clock = fakeClock();
      const l = await limiter({ clock: () => clock.now });
      const req = {
        scopes: [{ id: uniq("policy:ns/reserve"), budget: { usdPerDay: 1 } }],
        failOpen: false,
        reserveUsd: 0.2,
      };
      const results = await admitMany(l, 50, req);
      const admitted = results.filter((a) => a.allowed);
      expect(admitted).toHaveLength(5);
      const held = refusal(results.find((a) => !a.allowed) ?? (await l.admit(req)));
      // Held by requests in flight, not spent: worth asking again in a second.
      expect(held.reason).toBe("budget_day");
      expect(held.retryAfterSeconds).toBe(1);
      expect(held.message).toContain("held by requests in flight");
      // They cost less than they reserved: the difference comes back.
      await Promise.all(
        admitted.map((a) => allowed(a).finish({ inputTokens: 10, outputTokens: 10, costUsd: 0.1 })),
      );
      const again = await admitMany(l, 50, req);
      expect(again.filter((a) => a.allowed)).toHaveLength(2);
    });

    it("refuses a request that may cost more than the budget has left, until the period resets", async () => {
      const clock = fakeClock(Date.UTC(2026, 10, 24, 22, 0, 0));
      const l = await limiter({ clock: () => clock.now });
      const scopes = [{ id: uniq("policy:ns/left"), budget: { usdPerDay: 1 } }];
      await allowed(await l.admit({ scopes, failOpen: false })).finish({
        inputTokens: 1,
        outputTokens: 1,
        costUsd: 0.7,
      });
      const refused = refusal(await l.admit({ scopes, failOpen: false, reserveUsd: 0.5 }));
      expect(refused.reason).toBe("budget_day");
      expect(refused.retryAfterSeconds).toBe(2 * 3600);
      expect(refused.message).toContain("has $0.30 left, and this request may cost up to $0.50");
      expect((await l.admit({ scopes, failOpen: false, reserveUsd: 0.25 })).allowed).toBe(true);
    });

    it("releases the reservation of a request that never finishes (the gateway died)", async () => {
      const clock = fakeClock();
      const l = await limiter({ clock: () => clock.now, leaseTtlMs: 2_000 });
      const req = {
        scopes: [{ id: uniq("key:ns/reserve-ttl"), budget: { usdPerMonth: 1 } }],
        failOpen: false,
        reserveUsd: 0.75,
      };
      allowed(await l.admit(req));
      expect(refusal(await l.admit(req)).reason).toBe("budget_month");
      clock.advance(2_001);
      expect((await l.admit(req)).allowed).toBe(true);
    });

    it("reserves nothing for an odd figure, and nothing on scopes without a budget", async () => {
      const clock = fakeClock();
      const l = await limiter({ clock: () => clock.now });
      const budgeted = { id: uniq("policy:ns/odd-reserve"), budget: { usdPerDay: 1 } };
      const unbudgeted = { id: uniq("key:ns/no-budget"), limits: { maxConcurrentRequests: 100 } };
      for (const reserveUsd of [Number.NaN, -5, Number.POSITIVE_INFINITY]) {
        expect((await l.admit({ scopes: [budgeted, unbudgeted], failOpen: false, reserveUsd })).allowed).toBe(
          true,
        );
      }
      expect((await l.admit({ scopes: [unbudgeted], failOpen: false, reserveUsd: 1e9 })).allowed).toBe(true);
    });
  });

  it("starts budgets from the ledger's spend (the floor) when counting starts, in either store", async () => {
    const clock = fakeClock(Date.UTC(2026, 10, 24, 12, 0, 0));
    const id = uniq("policy:ns/resumed");
    let applied: (outcome: unknown) => void = () => {};
    const floorApplied = new Promise((resolve) => {
      applied = resolve;
    });
    const l = await limiter({
      clock: () => clock.now,
      spendFloor: async () => [{ scope: id, todayUsd: 0.9, thisMonthUsd: 4 }],
      onSpendFloor: (outcome) => applied(outcome),
    });
    // In memory at creation; on Redis when the connection is ready.
    expect(await floorApplied).toEqual({ scopes: 1, backend });
    const day = { scopes: [{ id, budget: { usdPerDay: 1 } }], failOpen: false };
    const month = { scopes: [{ id, budget: { usdPerMonth: 4 } }], failOpen: false };
    expect(refusal(await l.admit({ ...day, reserveUsd: 0.2 })).reason).toBe("budget_day");
    expect((await l.admit({ ...day, reserveUsd: 0.05 })).allowed).toBe(true);
    expect(refusal(await l.admit(month)).reason).toBe("budget_month");
    clock.set(Date.UTC(2026, 10, 25, 0, 0, 1));
    expect((await l.admit({ ...day, reserveUsd: 0.5 })).allowed).toBe(true);
  });

  it("serves without the floor when the ledger cannot say, and reports why", async () => {
    const outcomes: unknown[] = [];
    const l = await limiter({
      spendFloor: () => Promise.reject(new Error("ledger away")),
      onSpendFloor: (outcome) => outcomes.push(outcome),
    });
    await vi.waitFor(() => expect(outcomes).toHaveLength(1));
    expect((outcomes[0] as { error: Error }).error.message).toBe("ledger away");
    const scopes = [{ id: uniq("policy:ns/floorless"), budget: { usdPerDay: 1 } }];
    expect((await l.admit({ scopes, failOpen: false, reserveUsd: 0.5 })).allowed).toBe(true);
  });

  it("refuses once the UTC month's spend reaches the monthly budget, until the next month", async () => {
    const clock = fakeClock(Date.UTC(2026, 10, 10, 12, 0, 0));
    const l = await limiter({ clock: () => clock.now });
    const req = {
      scopes: [{ id: uniq("key:ns/monthly"), budget: { usdPerDay: 5, usdPerMonth: 2 } }],
      failOpen: false,
    };
    await allowed(await l.admit(req)).finish({ inputTokens: 1, outputTokens: 1, costUsd: 1.5 });
    clock.set(Date.UTC(2026, 10, 20, 12, 0, 0));
    await allowed(await l.admit(req)).finish({ inputTokens: 1, outputTokens: 1, costUsd: 0.6 });
    clock.set(Date.UTC(2026, 10, 30, 22, 0, 0));
    const refused = refusal(await l.admit(req));
    expect(refused.reason).toBe("budget_month");
    expect(refused.retryAfterSeconds).toBe(2 * 3600);
    clock.set(Date.UTC(2026, 11, 1, 0, 0, 0));
    expect((await l.admit(req)).allowed).toBe(true);
  });

  it("records nothing for a usage with missing or negative counts", async () => {
    const clock = fakeClock();
    const l = await limiter({ clock: () => clock.now });
    const req = { scopes: [{ id: uniq("key:ns/odd"), budget: { usdPerDay: 1 } }], failOpen: false };
    await allowed(await l.admit(req)).finish({
      inputTokens: Number.NaN,
      outputTokens: -5,
      costUsd: Number.NaN,
    });
    await allowed(await l.admit(req)).finish({ inputTokens: 4, outputTokens: 6, costUsd: 1 });
    // Had NaN reached the spend counter, the budget would never refuse again.
    expect(refusal(await l.admit(req)).reason).toBe("budget_day");
  });

  it("admits scopes without limits without counting anything", async () => {
    const l = await limiter();
    const a = allowed(
      await l.admit({
        scopes: [{ id: uniq("key:ns/free") }, { id: uniq("policy:ns/free"), limits: {} }],
        failOpen: false,
      }),
    );
    expect(a.headers).toEqual({});
    await a.finish({ inputTokens: 1, outputTokens: 1, costUsd: 1 });
  });

  it("counts rejections by reason only, never with a key or policy id", async () => {
    const registry = new Registry();
    const metrics = limiterMetrics(registry);
    const clock = fakeClock();
    const l = await limiter({ clock: () => clock.now, metrics });
    const scope = { id: uniq("key:secret-ns/secret-key"), limits: { requestsPerMinute: 1 } };
    await admitMany(l, 3, { scopes: [scope], failOpen: false });
    const text = await registry.metrics();
    expect(text).toContain('kuberelay_gateway_limit_rejections_total{reason="requests_per_minute"} 2');
    expect(text).toContain("kuberelay_gateway_limit_store_up 1");
    expect(text).not.toContain("secret");
    const labels = (await registry.getMetricsAsJSON()).flatMap((m) =>
      m.values.flatMap((v) => Object.keys(v.labels)),
    );
    expect(new Set(labels)).toEqual(new Set(["reason"]));
  });
});

describe("three gateways on one Redis", () => {
  it("share counters: 90 requests round-robin against a 60 RPM limit admit exactly 60", async () => {
    const prefix = `kuberelay-test:${randomUUID()}:`;
    prefixes.push(prefix);
    const clock = fakeClock();
    const gateways = await Promise.all(
      [1, 2, 3].map(() => createLimiter({ redisUrl: REDIS_URL, keyPrefix: prefix, clock: () => clock.now })),
    );
    try {
      const scopes = [{ id: "key:team-a/shared", limits: { requestsPerMinute: 60 } }];
      const results = await Promise.all(
        Array.from({ length: 90 }, (_, i) => gateways[i % 3]?.admit({ scopes, failOpen: false })),
      );
      expect(results.filter((a) => a?.allowed)).toHaveLength(60);
      expect(results.filter((a) => a?.allowed === false && a.reason === "requests_per_minute")).toHaveLength(
        30,
      );
    } finally {
      await Promise.all(gateways.map((g) => g.close()));
    }
  });
});

function allowed(admission: Admission): Allowance {
  if (!admission.allowed)
    throw new Error(`expected an admission, got ${admission.reason}: ${admission.message}`);
  return admission;
}

function refusal(admission: Admission): Refusal {
  if (admission.allowed) throw new Error("expected a refusal, got an admission");
  return admission;
}

/** "1m30s" / "2h0m5s" / "12s" → ms. */
function parseDuration(text: string | undefined): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(\d+)s$/.exec(text ?? "");
  if (match === null) throw new Error(`not a duration: ${text}`);
  const [h = "0", m = "0", sec = "0"] = match.slice(1).map((v) => v ?? "0");
  return ((Number(h) * 60 + Number(m)) * 60 + Number(sec)) * 1000;
}
