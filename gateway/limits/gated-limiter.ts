import { randomUUID } from "node:crypto";
import type { LimitStore, StoreVerdict } from "./limit-store.js";
import type { Admission, AdmitRequest, Allowance, Limiter, Refusal, Scope, Usage } from "./limiter.js";
import type { LimiterMetrics } from "./limiter-metrics.js";
import { LiveLeases } from "./live-leases.js";
import { rateLimitHeaders } from "./rate-limit-headers.js";
import { longestRefusal, type ScopeRefusal } from "./refusals.js";
import { emptyUsage, enforcedScopes, withAdmission } from "./scope-usage.js";
import { type Timing, timingAt } from "./timing.js";

export interface GateOptions {
  clock: () => number;
  onStoreError?: (err: unknown) => void;
  metrics?: LimiterMetrics;
  /** How long a lease lives unless renewed; requests still running are renewed every third of it. */
  leaseTtlMs: number;
}

/**
 * The Limiter over any store: skips scopes with nothing to enforce, turns store verdicts into
 * answers with headers, and turns store failures into fail-open or fail-closed answers.
 */
export function gatedLimiter(store: LimitStore, options: GateOptions): Omit<Limiter, "applySpendFloor"> {
  const live = new LiveLeases(
    async (leases) => {
      try {
        await store.renew(leases, timingAt(options.clock()));
      } catch (err) {
        // Unrenewed, a lease expires as a dead gateway's would: the next renewal tries again.
        reportStoreError(err, options);
      }
    },
    options.clock,
    options.leaseTtlMs,
  );
  return {
    backend: store.backend,
    admit: (req) => admit(store, options, req, live),
    renewLeases: () => live.renewNow(),
    close: () => {
      live.stop();
      return store.close();
    },
  };
}

async function admit(
  store: LimitStore,
  options: GateOptions,
  req: AdmitRequest,
  live: LiveLeases,
): Promise<Admission> {
  const scopes = enforcedScopes(req.scopes);
  const first = scopes[0];
  if (first === undefined) return unlimited();
  const t = timingAt(req.now ?? options.clock());
  const leaseId = randomUUID();
  let verdict: StoreVerdict;
  try {
    verdict = await store.admit(scopes, t, leaseId, reserveOf(req));
  } catch (err) {
    reportStoreError(err, options);
    return req.failOpen ? unlimited() : storeUnavailable(first.id, options);
  }
  options.metrics?.storeUp.set(1);
  if (!verdict.admitted) return refusal(scopes, verdict, t, options, reserveOf(req));
  const after = scopes.map((scope, i) => withAdmission(scope, verdict.usages[i] ?? emptyUsage(), t));
  const holds = LiveLeases.holds(scopes, reserveOf(req));
  if (holds) live.add(leaseId, scopes);
  return {
    allowed: true,
    headers: rateLimitHeaders(scopes, after),
    finish: needsFinish(scopes)
      ? once((usage) => {
          if (holds) live.delete(leaseId);
          return finish(store, options, scopes, leaseId, usage);
        })
      : noop,
  };
}

async function finish(
  store: LimitStore,
  options: GateOptions,
  scopes: Scope[],
  leaseId: string,
  usage: Usage,
) {
  try {
    await store.finish(scopes, timingAt(options.clock()), leaseId, sanitized(usage));
    options.metrics?.storeUp.set(1);
  } catch (err) {
    // The response has been served; a lost record only under-counts, and the lease expires by itself.
    reportStoreError(err, options);
  }
}

function refusal(
  scopes: Scope[],
  verdict: StoreVerdict,
  t: Timing,
  options: GateOptions,
  reserveUsd: number,
): Refusal {
  const found = longestRefusal(scopes, verdict.usages, t, reserveUsd) ?? storeOwnRefusal(scopes, verdict);
  options.metrics?.rejections.inc({ reason: found.reason });
  const headers = {
    ...rateLimitHeaders(scopes, verdict.usages),
    "retry-after": String(found.retryAfterSeconds),
    // Exact, for clients that can wait less than a whole second (OpenAI's SDKs read it first).
    "retry-after-ms": String(found.retryAfterMs),
  };
  return { allowed: false, ...found, headers };
}

function storeOwnRefusal(scopes: Scope[], verdict: StoreVerdict): ScopeRefusal {
  const scope = verdict.refusedBy?.scope ?? scopes[0]?.id ?? "";
  return {
    reason: verdict.refusedBy?.reason ?? "requests_per_minute",
    scope,
    retryAfterMs: 1000,
    retryAfterSeconds: 1,
    message: `Limit reached on ${scope}. Please try again shortly.`,
  };
}

function storeUnavailable(scope: string, options: GateOptions): Refusal {
  options.metrics?.rejections.inc({ reason: "store_unavailable" });
  return {
    allowed: false,
    reason: "store_unavailable",
    scope,
    retryAfterMs: 1000,
    retryAfterSeconds: 1,
    headers: { "retry-after": "1" },
    message: "Rate limits cannot be checked right now (limit store unavailable). Please try again shortly.",
  };
}

function reportStoreError(err: unknown, options: GateOptions) {
  options.metrics?.storeErrors.inc();
  options.metrics?.storeUp.set(0);
  try {
    options.onStoreError?.(err);
  } catch {
    // A failing error hook must not turn into a failed request.
  }
}

/** Only tokens, leases and spend are written after the response; RPM/RPD-only scopes skip the round trip. */
const needsFinish = (scopes: Scope[]) =>
  scopes.some(
    (s) =>
      s.limits?.tokensPerMinute !== undefined ||
      s.limits?.maxConcurrentRequests !== undefined ||
      s.budget?.usdPerDay !== undefined ||
      s.budget?.usdPerMonth !== undefined,
  );

/** Usage comes from upstream bodies; a missing or odd count records nothing rather than a NaN that never refuses again. */
const sanitized = (usage: Usage): Usage => ({
  inputTokens: Math.round(nonNegative(usage.inputTokens)),
  outputTokens: Math.round(nonNegative(usage.outputTokens)),
  costUsd: nonNegative(usage.costUsd),
});

const nonNegative = (n: number) => (Number.isFinite(n) && n > 0 ? n : 0);

/** A reservation from a price table: an odd figure reserves nothing rather than refusing forever. */
const reserveOf = (req: AdmitRequest) => nonNegative(req.reserveUsd ?? 0);

const noop = async () => {};

const unlimited = (): Allowance => ({ allowed: true, headers: {}, finish: noop });

function once(fn: (usage: Usage) => Promise<void>): (usage: Usage) => Promise<void> {
  let done = false;
  return async (usage) => {
    if (done) return;
    done = true;
    await fn(usage);
  };
}
