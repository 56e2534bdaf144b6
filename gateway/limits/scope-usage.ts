import type { Scope } from "./limiter.js";
import type { WindowCounts } from "./sliding-window.js";

/** What a store knows about one scope at admission: the counters its limits are checked against. */
export interface ScopeUsage {
  requestsPerMinute: WindowCounts;
  tokensPerMinute: WindowCounts;
  requestsPerDay: WindowCounts;
  concurrent: number;
  spentTodayUsd: number;
  spentThisMonthUsd: number;
}

export const emptyUsage = (): ScopeUsage => ({
  requestsPerMinute: { previous: 0, current: 0 },
  tokensPerMinute: { previous: 0, current: 0 },
  requestsPerDay: { previous: 0, current: 0 },
  concurrent: 0,
  spentTodayUsd: 0,
  spentThisMonthUsd: 0,
});

/** The usage once this admission is counted, for the headers of an allowed request. */
export function withAdmission(scope: Scope, usage: ScopeUsage): ScopeUsage {
  const plus = (counts: WindowCounts, limit: number | undefined) =>
    limit === undefined ? counts : { ...counts, current: counts.current + 1 };
  return {
    ...usage,
    requestsPerMinute: plus(usage.requestsPerMinute, scope.limits?.requestsPerMinute),
    requestsPerDay: plus(usage.requestsPerDay, scope.limits?.requestsPerDay),
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
    const constrains =
      Object.values(scope.limits ?? {}).some(isSet) || Object.values(scope.budget ?? {}).some(isSet);
    if (!constrains || seen.has(scope.id)) return false;
    seen.add(scope.id);
    return true;
  });
}

const isSet = (value: unknown) => typeof value === "number";
