import type { Scope } from "./limiter.js";
import {
  bucketExpiry,
  bucketIndex,
  DAY_WINDOW,
  emptyWindow,
  MINUTE_WINDOW,
  type WindowSpec,
  type WindowUsage,
} from "./sliding-window.js";
import type { Timing } from "./timing.js";

/** What a store knows about one scope at admission: the counters its limits are checked against. */
export interface ScopeUsage {
  requestsPerMinute: WindowUsage;
  tokensPerMinute: WindowUsage;
  requestsPerDay: WindowUsage;
  concurrent: number;
  spentTodayUsd: number;
  spentThisMonthUsd: number;
  /** Held by requests in flight on a scope with a budget, until they finish. */
  reservedUsd: number;
}

export const emptyUsage = (): ScopeUsage => ({
  requestsPerMinute: emptyWindow(),
  tokensPerMinute: emptyWindow(),
  requestsPerDay: emptyWindow(),
  concurrent: 0,
  spentTodayUsd: 0,
  spentThisMonthUsd: 0,
  reservedUsd: 0,
});

/** The usage once this admission is counted, for the headers of an allowed request. */
export function withAdmission(scope: Scope, usage: ScopeUsage, t: Timing): ScopeUsage {
  // The request lands in the bucket of `now`, the newest one: the window is empty once it expires.
  const plus = (window: WindowUsage, limit: number | undefined, spec: WindowSpec): WindowUsage =>
    limit === undefined
      ? window
      : {
          ...window,
          used: window.used + 1,
          msUntilEmpty: Math.max(window.msUntilEmpty, bucketExpiry(bucketIndex(t.now, spec), spec) - t.now),
        };
  return {
    ...usage,
    requestsPerMinute: plus(usage.requestsPerMinute, scope.limits?.requestsPerMinute, MINUTE_WINDOW),
    requestsPerDay: plus(usage.requestsPerDay, scope.limits?.requestsPerDay, DAY_WINDOW),
    concurrent: usage.concurrent + (scope.limits?.maxConcurrentRequests === undefined ? 0 : 1),
  };
}

/**
 * The scopes that constrain anything, each id once. A scope without limits or budget never touches
 * the store, so unlimited keys keep working even when Redis is down.
 */
export function enforcedScopes(scopes: readonly Scope[]): Scope[] {
  const seen = new Set<string>();
  return scopes.filter((scope) => {
    const limits = scope.limits;
    const constrains =
      COUNTED_LIMITS.some((name) => isSet(limits?.[name])) || Object.values(scope.budget ?? {}).some(isSet);
    if (!constrains || seen.has(scope.id)) return false;
    seen.add(scope.id);
    return true;
  });
}

/**
 * The limits the store counts. A body-size or output-token limit is applied to the request itself
 * (read-body.ts, clamp-output.ts): a scope with only those needs no store, and must not be refused
 * while Redis is away.
 */
const COUNTED_LIMITS = [
  "requestsPerMinute",
  "tokensPerMinute",
  "requestsPerDay",
  "maxConcurrentRequests",
] as const;

const isSet = (value: unknown) => typeof value === "number";
