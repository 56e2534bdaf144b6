import type { Redis } from "ioredis";
import { z } from "zod";
import type { LimitStore, LiveLease, ResumedSpend, StoreVerdict } from "./limit-store.js";
import { refusalReasons, type Scope, type Usage } from "./limiter.js";
import { admitKeys, finishKeys, keyTtls, renewKeys, spendKeys } from "./redis-keys.js";
import {
  ADMIT_VALUES_PER_SCOPE,
  admitScript,
  finishScript,
  renewScript,
  spendFloorScript,
} from "./redis-scripts.js";
import type { ScopeUsage } from "./scope-usage.js";
import { bucketIndex, DAY_WINDOW, MINUTE_WINDOW } from "./sliding-window.js";
import type { Timing } from "./timing.js";

/** Counters in Redis, shared by every gateway replica; one script round trip per admit and per finish. */
export class RedisStore implements LimitStore {
  readonly backend = "redis";

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly leaseTtlMs: number,
  ) {}

  async admit(scopes: readonly Scope[], t: Timing, leaseId: string, reserveUsd = 0): Promise<StoreVerdict> {
    const ttl = keyTtls(t, this.leaseTtlMs);
    const keys = scopes.flatMap((scope) => admitKeys(this.prefix, scope.id, t));
    const args = [
      String(t.now),
      String(bucketIndex(t.now, MINUTE_WINDOW)),
      String(bucketIndex(t.now, DAY_WINDOW)),
      leaseId,
      String(t.now + this.leaseTtlMs),
      String(ttl.leases),
      String(ttl.minuteWindow),
      String(ttl.dayWindow),
      // Shortest round-trip form: Lua reads the same double the memory store compares.
      String(reserveUsd),
      ...scopes.flatMap(limitArgs),
    ];
    return parseAdmitReply(await admitScript.run(this.redis, keys, args), scopes);
  }

  /** One script call per request, over its scopes, as its admission was. */
  async renew(leases: readonly LiveLease[], t: Timing): Promise<void> {
    const ttl = String(keyTtls(t, this.leaseTtlMs).leases);
    const args = (leaseId: string) => [leaseId, String(t.now), String(t.now + this.leaseTtlMs), ttl];
    await Promise.all(
      leases.map(({ leaseId, scopes }) =>
        renewScript.run(
          this.redis,
          scopes.flatMap((scope) => renewKeys(this.prefix, scope.id)),
          args(leaseId),
        ),
      ),
    );
  }

  /** One script call per scope: each scope's keys sit in a slot of their own. */
  async raiseSpend(spend: readonly ResumedSpend[], t: Timing): Promise<void> {
    const ttl = keyTtls(t, this.leaseTtlMs);
    const ttls = [String(ttl.dayBudget), String(ttl.monthBudget)];
    await Promise.all(
      spend.map((s) =>
        spendFloorScript.run(this.redis, spendKeys(this.prefix, s.scope, t), [
          // Fixed notation, as finish writes them.
          s.todayUsd.toFixed(12),
          s.thisMonthUsd.toFixed(12),
          ...ttls,
        ]),
      ),
    );
  }

  async finish(scopes: readonly Scope[], t: Timing, leaseId: string, usage: Usage): Promise<void> {
    const ttl = keyTtls(t, this.leaseTtlMs);
    const args = [
      leaseId,
      String(usage.inputTokens + usage.outputTokens),
      // Fixed notation: INCRBYFLOAT must not be handed "1e-7".
      usage.costUsd.toFixed(12),
      String(ttl.minuteWindow),
      String(ttl.dayBudget),
      String(ttl.monthBudget),
      String(bucketIndex(t.now, MINUTE_WINDOW)),
      ...scopes.map(finishFlags),
    ];
    await finishScript.run(
      this.redis,
      scopes.flatMap((scope) => finishKeys(this.prefix, scope.id, t)),
      args,
    );
  }

  async close(): Promise<void> {
    if (this.redis.status === "ready") await this.redis.quit().catch(() => undefined);
    this.redis.disconnect();
  }
}

const optional = (n: number | undefined) => (n === undefined ? "" : String(n));

const limitArgs = ({ limits = {}, budget = {} }: Scope) => [
  optional(limits.requestsPerMinute),
  optional(limits.tokensPerMinute),
  optional(limits.requestsPerDay),
  optional(limits.maxConcurrentRequests),
  optional(budget.usdPerDay),
  optional(budget.usdPerMonth),
];

const finishFlags = ({ limits = {}, budget = {} }: Scope) =>
  [limits.tokensPerMinute, limits.maxConcurrentRequests, budget.usdPerDay, budget.usdPerMonth]
    .map((v) => (v === undefined ? "0" : "1"))
    .join("");

const numeric = z.coerce.number().pipe(z.number().finite());
const admitReply = z.tuple([z.union([z.literal(0), z.literal(1)]), z.number().int(), z.string()], numeric);

function parseAdmitReply(reply: unknown, scopes: readonly Scope[]): StoreVerdict {
  const [allowed, refusedIndex, reason, ...counts] = admitReply.parse(reply);
  if (counts.length !== scopes.length * ADMIT_VALUES_PER_SCOPE) {
    throw new Error(`limit store: admit script answered ${counts.length} counts for ${scopes.length} scopes`);
  }
  const usages = scopes.map((_, i) => usageFrom(counts.slice(i * ADMIT_VALUES_PER_SCOPE)));
  const scope = scopes[refusedIndex - 1];
  const known = refusalReasons.find((r) => r === reason);
  const refusedBy =
    scope !== undefined && known !== undefined ? { scope: scope.id, reason: known } : undefined;
  return { admitted: allowed === 1, usages, ...(refusedBy && { refusedBy }) };
}

const windowFrom = ([used = 0, msUntilRoom = 0, msUntilEmpty = 0]: number[]) => ({
  used,
  msUntilRoom,
  msUntilEmpty,
});

function usageFrom(values: number[]): ScopeUsage {
  const [leases = 0, day = 0, month = 0, reserved = 0] = values.slice(9);
  return {
    requestsPerMinute: windowFrom(values.slice(0, 3)),
    tokensPerMinute: windowFrom(values.slice(3, 6)),
    requestsPerDay: windowFrom(values.slice(6, 9)),
    concurrent: leases,
    spentTodayUsd: day,
    spentThisMonthUsd: month,
    reservedUsd: reserved,
  };
}
