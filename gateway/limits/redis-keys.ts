import type { Timing } from "./timing.js";

/**
 * Redis key layout. Every key of a scope shares the hash tag `{<scope id>}`, so a scope's windows,
 * leases and spend sit in one Redis Cluster slot:
 *
 *   <prefix>{<scope>}:rpm:<minute index>      INCR per admission      expires after the next minute
 *   <prefix>{<scope>}:tpm:<minute index>      INCRBY tokens at finish  expires after the next minute
 *   <prefix>{<scope>}:rpd:<day index>         INCR per admission      expires after the next day
 *   <prefix>{<scope>}:leases                  ZSET lease id → expiry   expires one lease TTL after the last lease
 *   <prefix>{<scope>}:usd:day:<YYYYMMDD>      INCRBYFLOAT at finish    expires after that UTC day
 *   <prefix>{<scope>}:usd:month:<YYYYMM>      INCRBYFLOAT at finish    expires after that UTC month
 *
 * Window keys are named by window index, so replicas never need to agree on when to reset one;
 * the previous window is simply the key with the index before.
 */

export const DEFAULT_KEY_PREFIX = "kuberelay:limits:";

/** Added to every expiry so a replica whose clock runs a little behind still finds the keys it expects. */
const CLOCK_SKEW_MS = 60_000;

/** The nine keys an admission reads, in the order the admit script expects them. */
export function admitKeys(prefix: string, scopeId: string, t: Timing): string[] {
  const tag = scopeTag(prefix, scopeId);
  return [
    `${tag}:rpm:${t.minute.index}`,
    `${tag}:rpm:${t.minute.index - 1}`,
    `${tag}:tpm:${t.minute.index}`,
    `${tag}:tpm:${t.minute.index - 1}`,
    `${tag}:rpd:${t.day.index}`,
    `${tag}:rpd:${t.day.index - 1}`,
    `${tag}:leases`,
    `${tag}:usd:day:${t.dayKey}`,
    `${tag}:usd:month:${t.monthKey}`,
  ];
}
export const ADMIT_KEYS_PER_SCOPE = 9;

/** The four keys a finish writes, in the order the finish script expects them. */
export function finishKeys(prefix: string, scopeId: string, t: Timing): string[] {
  const tag = scopeTag(prefix, scopeId);
  return [
    `${tag}:tpm:${t.minute.index}`,
    `${tag}:leases`,
    `${tag}:usd:day:${t.dayKey}`,
    `${tag}:usd:month:${t.monthKey}`,
  ];
}

/** Relative TTLs (ms), so a key outlives exactly the time it can still be read. */
export function keyTtls(t: Timing, leaseTtlMs: number) {
  const untilAfterNext = (pos: Timing["minute"]) => (pos.index + 2) * pos.lengthMs - t.now + CLOCK_SKEW_MS;
  return {
    minuteWindow: untilAfterNext(t.minute),
    dayWindow: untilAfterNext(t.day),
    leases: leaseTtlMs + CLOCK_SKEW_MS,
    dayBudget: t.msToNextDay + CLOCK_SKEW_MS,
    monthBudget: t.msToNextMonth + CLOCK_SKEW_MS,
  };
}

export const scopeTag = (prefix: string, scopeId: string) => `${prefix}{${scopeId}}`;
