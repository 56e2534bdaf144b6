import { DAY_MS, MINUTE_MS } from "./sliding-window.js";
import type { Timing } from "./timing.js";

/**
 * Redis key layout. Every key of a scope shares the hash tag `{<scope id>}`, so a scope's windows,
 * leases and spend sit in one Redis Cluster slot:
 *
 *   <prefix>{<scope>}:rpm                     HASH bucket → requests   HINCRBY per admission, expires a minute after the last
 *   <prefix>{<scope>}:tpm                     HASH bucket → tokens     HINCRBY at finish, expires a minute after the last
 *   <prefix>{<scope>}:rpd                     HASH bucket → requests   HINCRBY per admission, expires a day after the last
 *   <prefix>{<scope>}:leases                  ZSET lease id → expiry   expires one lease TTL after the last lease
 *   <prefix>{<scope>}:usd:day:<YYYYMMDD>      INCRBYFLOAT at finish    expires after that UTC day
 *   <prefix>{<scope>}:usd:month:<YYYYMM>      INCRBYFLOAT at finish    expires after that UTC month
 *   <prefix>{<scope>}:holds                   HASH lease id → USD      the budgets' holds of requests in flight
 *   <prefix>{<scope>}:holds:expiry            ZSET lease id → expiry   the same holds, oldest first
 *   <prefix>{<scope>}:holds:usd               their running total      the three expire one lease TTL after the last hold
 *
 * A window hash's fields are bucket indices (epoch ms / bucket width, sliding-window.ts), so
 * replicas never need to agree on when to reset anything: a bucket too old to count is ignored,
 * and deleted by the next admission that reads it.
 */

export const DEFAULT_KEY_PREFIX = "kuberelay:limits:";

/** Added to every expiry so a replica whose clock runs a little behind still finds the keys it expects. */
const CLOCK_SKEW_MS = 60_000;

/** The nine keys an admission reads, in the order the admit script expects them. */
export function admitKeys(prefix: string, scopeId: string, t: Timing): string[] {
  const tag = scopeTag(prefix, scopeId);
  return [
    `${tag}:rpm`,
    `${tag}:tpm`,
    `${tag}:rpd`,
    `${tag}:leases`,
    `${tag}:usd:day:${t.dayKey}`,
    `${tag}:usd:month:${t.monthKey}`,
    ...holdKeys(tag),
  ];
}

/** The seven keys a finish writes, in the order the finish script expects them. */
export function finishKeys(prefix: string, scopeId: string, t: Timing): string[] {
  const tag = scopeTag(prefix, scopeId);
  return [
    `${tag}:tpm`,
    `${tag}:leases`,
    `${tag}:usd:day:${t.dayKey}`,
    `${tag}:usd:month:${t.monthKey}`,
    ...holdKeys(tag),
  ];
}

/** The four keys a renewal moves the expiry in: leases, then the holds' expiries, hash and total. */
export function renewKeys(prefix: string, scopeId: string): string[] {
  const tag = scopeTag(prefix, scopeId);
  return [`${tag}:leases`, `${tag}:holds:expiry`, `${tag}:holds`, `${tag}:holds:usd`];
}

/** A scope's day and month spend keys, for raising them to the ledger's sums. */
export function spendKeys(prefix: string, scopeId: string, t: Timing): string[] {
  const tag = scopeTag(prefix, scopeId);
  return [`${tag}:usd:day:${t.dayKey}`, `${tag}:usd:month:${t.monthKey}`];
}

const holdKeys = (tag: string) => [`${tag}:holds`, `${tag}:holds:expiry`, `${tag}:holds:usd`];

/**
 * Relative TTLs (ms), so a key outlives exactly the time it can still be read. A window hash is
 * written at the bucket of `now`, which stops counting at most one window later.
 */
export function keyTtls(t: Timing, leaseTtlMs: number) {
  return {
    minuteWindow: MINUTE_MS + CLOCK_SKEW_MS,
    dayWindow: DAY_MS + CLOCK_SKEW_MS,
    leases: leaseTtlMs + CLOCK_SKEW_MS,
    dayBudget: t.msToNextDay + CLOCK_SKEW_MS,
    monthBudget: t.msToNextMonth + CLOCK_SKEW_MS,
  };
}

export const scopeTag = (prefix: string, scopeId: string) => `${prefix}{${scopeId}}`;
