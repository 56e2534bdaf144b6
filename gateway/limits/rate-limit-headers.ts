import type { Scope } from "./limiter.js";
import type { ScopeUsage } from "./scope-usage.js";
import type { WindowUsage } from "./sliding-window.js";

interface Reading {
  limit: number;
  remaining: number;
  resetMs: number;
}

/**
 * OpenAI-style `x-ratelimit-*` headers for the tightest request limit (per minute or per day, any
 * scope) and the tightest token limit — the ones a client will hit first. SDKs and proxies already
 * read these names.
 */
export function rateLimitHeaders(
  scopes: readonly Scope[],
  usages: readonly ScopeUsage[],
): Record<string, string> {
  const requests: Reading[] = [];
  const tokens: Reading[] = [];
  scopes.forEach((scope, i) => {
    const usage = usages[i];
    if (usage === undefined) return;
    addReading(requests, scope.limits?.requestsPerMinute, usage.requestsPerMinute);
    addReading(requests, scope.limits?.requestsPerDay, usage.requestsPerDay);
    addReading(tokens, scope.limits?.tokensPerMinute, usage.tokensPerMinute);
  });
  return { ...headersFor("requests", tightest(requests)), ...headersFor("tokens", tightest(tokens)) };
}

/** `reset` is OpenAI's: the time until the limit is whole again, when nothing now counted is counted. */
function addReading(into: Reading[], limit: number | undefined, window: WindowUsage) {
  if (limit === undefined) return;
  const remaining = Math.max(0, Math.floor(limit - window.used));
  into.push({ limit, remaining, resetMs: window.msUntilEmpty });
}

const tightest = (readings: Reading[]) =>
  readings.reduce<Reading | undefined>(
    (best, r) => (best === undefined || r.remaining < best.remaining ? r : best),
    undefined,
  );

function headersFor(kind: "requests" | "tokens", reading: Reading | undefined): Record<string, string> {
  if (reading === undefined) return {};
  return {
    [`x-ratelimit-limit-${kind}`]: String(reading.limit),
    [`x-ratelimit-remaining-${kind}`]: String(reading.remaining),
    [`x-ratelimit-reset-${kind}`]: formatDuration(reading.resetMs),
  };
}

/** Go-style durations as OpenAI sends them ("12s", "1m30s", "2h0m5s"), rounded up to whole seconds. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}
