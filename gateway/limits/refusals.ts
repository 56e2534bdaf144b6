import type { RefusalReason, Scope } from "./limiter.js";
import type { ScopeUsage } from "./scope-usage.js";
import type { WindowUsage } from "./sliding-window.js";
import type { Timing } from "./timing.js";

/** Why one scope refuses, before headers are attached. */
export interface ScopeRefusal {
  reason: RefusalReason;
  scope: string;
  /** When the refused request would be admitted, if nothing else is admitted first (`retry-after-ms`). */
  retryAfterMs: number;
  /** The same, rounded up to whole seconds and at least 1 (`retry-after`). */
  retryAfterSeconds: number;
  message: string;
}

/**
 * Every limit the scope's usage breaks. The memory store decides with this; the Redis script
 * implements the same comparisons (redis-scripts.ts) and the gateway explains its verdict
 * with this.
 */
export function scopeRefusals(scope: Scope, usage: ScopeUsage, t: Timing): ScopeRefusal[] {
  const { limits = {}, budget = {} } = scope;
  const found = [
    windowRefusal(scope.id, "requests_per_minute", limits.requestsPerMinute, usage.requestsPerMinute),
    windowRefusal(scope.id, "tokens_per_minute", limits.tokensPerMinute, usage.tokensPerMinute),
    windowRefusal(scope.id, "requests_per_day", limits.requestsPerDay, usage.requestsPerDay),
    concurrencyRefusal(scope.id, limits.maxConcurrentRequests, usage.concurrent),
    budgetRefusal(scope.id, "budget_day", budget.usdPerDay, usage.spentTodayUsd, t.msToNextDay),
    budgetRefusal(scope.id, "budget_month", budget.usdPerMonth, usage.spentThisMonthUsd, t.msToNextMonth),
  ];
  return found.filter((r) => r !== undefined);
}

/**
 * The refusal to report when several apply: the one that lasts longest, so that a caller who
 * honours `retry-after` is not refused again for a reason we already knew about.
 */
export function longestRefusal(scopes: readonly Scope[], usages: readonly ScopeUsage[], t: Timing) {
  let chosen: ScopeRefusal | undefined;
  scopes.forEach((scope, i) => {
    const usage = usages[i];
    if (usage === undefined) return;
    for (const refusal of scopeRefusals(scope, usage, t)) {
      if (chosen === undefined || refusal.retryAfterMs > chosen.retryAfterMs) chosen = refusal;
    }
  });
  return chosen;
}

export const toRetrySeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

const windowLabels = {
  requests_per_minute: "requests per minute (RPM)",
  tokens_per_minute: "tokens per minute (TPM)",
  requests_per_day: "requests per day (RPD)",
} as const;

function windowRefusal(
  scope: string,
  reason: keyof typeof windowLabels,
  limit: number | undefined,
  window: WindowUsage,
): ScopeRefusal | undefined {
  // Requests and tokens alike are admitted while the count is below the limit: a request needs
  // room for itself, and its tokens are only known once it ends.
  if (limit === undefined || window.used < limit) return undefined;
  const retryAfterSeconds = toRetrySeconds(window.msUntilRoom);
  return {
    reason,
    scope,
    retryAfterMs: Math.max(1, Math.ceil(window.msUntilRoom)),
    retryAfterSeconds,
    message: `Rate limit reached for ${windowLabels[reason]} on ${scope}: limit ${limit}, used ${window.used}. Please try again in ${retryAfterSeconds}s.`,
  };
}

function concurrencyRefusal(
  scope: string,
  limit: number | undefined,
  inFlight: number,
): ScopeRefusal | undefined {
  if (limit === undefined || inFlight + 1 <= limit) return undefined;
  return {
    reason: "concurrency",
    scope,
    // A lease frees whenever a request ends, which we cannot predict; a second is a fair poll.
    retryAfterMs: 1000,
    retryAfterSeconds: 1,
    message: `Too many concurrent requests on ${scope}: limit ${limit}. Please try again when a request finishes.`,
  };
}

function budgetRefusal(
  scope: string,
  reason: "budget_day" | "budget_month",
  limitUsd: number | undefined,
  spentUsd: number,
  msToReset: number,
): ScopeRefusal | undefined {
  if (limitUsd === undefined || spentUsd < limitUsd) return undefined;
  const period = reason === "budget_day" ? "daily" : "monthly";
  const resets = reason === "budget_day" ? "at 00:00 UTC" : "on the 1st of next month, 00:00 UTC";
  return {
    reason,
    scope,
    retryAfterMs: Math.max(1, Math.ceil(msToReset)),
    retryAfterSeconds: toRetrySeconds(msToReset),
    message: `The ${period} budget of $${limitUsd} on ${scope} is spent ($${spentUsd.toFixed(2)}). It resets ${resets}.`,
  };
}
