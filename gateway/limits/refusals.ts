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
export function scopeRefusals(scope: Scope, usage: ScopeUsage, t: Timing, reserveUsd = 0): ScopeRefusal[] {
  const { limits = {}, budget = {} } = scope;
  const ask = { reserved: usage.reservedUsd, reserve: reserveUsd };
  const found = [
    windowRefusal(scope.id, "requests_per_minute", limits.requestsPerMinute, usage.requestsPerMinute),
    windowRefusal(scope.id, "tokens_per_minute", limits.tokensPerMinute, usage.tokensPerMinute),
    windowRefusal(scope.id, "requests_per_day", limits.requestsPerDay, usage.requestsPerDay),
    concurrencyRefusal(scope.id, limits.maxConcurrentRequests, usage.concurrent),
    budgetRefusal(scope.id, "budget_day", budget.usdPerDay, usage.spentTodayUsd, ask, t.msToNextDay),
    budgetRefusal(
      scope.id,
      "budget_month",
      budget.usdPerMonth,
      usage.spentThisMonthUsd,
      ask,
      t.msToNextMonth,
    ),
  ];
  return found.filter((r) => r !== undefined);
}

/**
 * The refusal to report when several apply: the one that lasts longest, so that a caller who
 * honours `retry-after` is not refused again for a reason we already knew about.
 */
export function longestRefusal(
  scopes: readonly Scope[],
  usages: readonly ScopeUsage[],
  t: Timing,
  reserveUsd = 0,
) {
  let chosen: ScopeRefusal | undefined;
  scopes.forEach((scope, i) => {
    const usage = usages[i];
    if (usage === undefined) return;
    for (const refusal of scopeRefusals(scope, usage, t, reserveUsd)) {
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

/**
 * A budget refuses when what is spent and held by requests in flight leaves no room for this
 * request's reservation (or, reserving nothing, when it is used up). Spend plus reservations never
 * passes the budget by more than what requests cost beyond what they reserved.
 */
export const budgetExceeded = (limitUsd: number, spentUsd: number, reservedUsd: number, reserveUsd: number) =>
  spentUsd + reservedUsd >= limitUsd || spentUsd + reservedUsd + reserveUsd > limitUsd;

function budgetRefusal(
  scope: string,
  reason: "budget_day" | "budget_month",
  limitUsd: number | undefined,
  spentUsd: number,
  ask: { reserved: number; reserve: number },
  msToReset: number,
): ScopeRefusal | undefined {
  if (limitUsd === undefined || !budgetExceeded(limitUsd, spentUsd, ask.reserved, ask.reserve))
    return undefined;
  const period = reason === "budget_day" ? "daily" : "monthly";
  const resets = reason === "budget_day" ? "at 00:00 UTC" : "on the 1st of next month, 00:00 UTC";
  if (spentUsd >= limitUsd || spentUsd + ask.reserve > limitUsd) {
    const what =
      spentUsd >= limitUsd
        ? `is spent ($${spentUsd.toFixed(2)})`
        : `has $${(limitUsd - spentUsd).toFixed(2)} left, and this request may cost up to $${ask.reserve.toFixed(2)}`;
    return {
      reason,
      scope,
      retryAfterMs: Math.max(1, Math.ceil(msToReset)),
      retryAfterSeconds: toRetrySeconds(msToReset),
      message: `The ${period} budget of $${limitUsd} on ${scope} ${what}. It resets ${resets}.`,
    };
  }
  // Only requests in flight hold the rest: room comes back as soon as one of them finishes.
  return {
    reason,
    scope,
    retryAfterMs: 1000,
    retryAfterSeconds: 1,
    message: `The ${period} budget of $${limitUsd} on ${scope} is held by requests in flight ($${spentUsd.toFixed(2)} spent, $${ask.reserved.toFixed(2)} reserved; this request may cost up to $${ask.reserve.toFixed(2)}). Please try again when a request finishes.`,
  };
}
