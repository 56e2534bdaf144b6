import { GatewayError } from "../errors.js";
import { secretsInHeaders } from "../scrub.js";
import { upstreamRetryAfter } from "./retry-after.js";
import { backoffMs } from "./select-targets.js";
import type { Target, UpstreamCall } from "./types.js";
import { PrivateNetworkError, refusedConnectionCause, requestUpstream } from "./upstream-request.js";
import { discardBody, fromFetchResponse, type UpstreamResponse } from "./upstream-response.js";

/** Answers worth trying elsewhere: rate limited, overloaded, or failing upstream. */
const RETRYABLE = new Set([408, 429, 500, 502, 503, 504, 529]);

export interface UpstreamAttempt {
  response: UpstreamResponse;
  target: Target;
  attempts: number;
  /** Upstream time to response headers, for the overhead metrics. */
  upstreamMs: number;
  /** Stops this attempt's timeout (a stream then lives as long as the caller stays). */
  clearTimeout(): void;
  /** Whether this attempt's timeout fired (reading a body that stalled). */
  timedOut(): boolean;
  /**
   * What to scrub from this answer's error body: the provider's credential and whatever
   * secret the call carried (a minted Vertex token, the SigV4 access key id and session token).
   */
  secrets: readonly string[];
}

export interface CallOptions {
  /** Aborts when the caller goes away. */
  signal: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (info: { target: Target; reason: string; attempt: number }) => void;
  /**
   * Asked before a provider is first tried: an error skips it (the platform team's cap on
   * this namespace is reached) and is reported if no other target answers.
   */
  admitTarget?: (target: Target) => Promise<GatewayError | undefined>;
  /** Replaces the pooled, address-checked upstream fetch (tests). Redirects arrive as "manual". */
  fetchImpl?: typeof fetch;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `skipProvider`: the answer is the same every time, so the plan's later entries for it are dropped. */
type AttemptOutcome =
  | { ok: UpstreamAttempt }
  | { retry: string; error?: GatewayError; skipProvider?: boolean; retryAfter?: Record<string, string> };

async function send(
  target: Target,
  call: UpstreamCall,
  signal: AbortSignal,
  opts: CallOptions,
): Promise<UpstreamResponse> {
  const init = { method: call.method, headers: call.headers, body: call.body, signal };
  if (opts.fetchImpl)
    return fromFetchResponse(await opts.fetchImpl(call.url, { ...init, redirect: "manual" }));
  return requestUpstream(call.url, init, {
    allowPrivateNetwork: target.provider.allowPrivateNetwork === true,
    allowInsecureHttp: target.provider.allowInsecureHttp === true,
  });
}

/**
 * A redirect is never followed: it would carry the credential to wherever the upstream
 * points, or fetch another URL and hand its body to the caller. Location stays out of it.
 */
const redirected = (target: Target, status: number): AttemptOutcome => ({
  retry: "redirect",
  skipProvider: true,
  error: new GatewayError(
    "upstream",
    `the upstream ${target.provider.provider} provider answered with a redirect (HTTP ${status}), which the gateway does not follow; check the ProviderKey's baseURL`,
    { code: "upstream_redirect" },
  ),
});

/** A connection the ProviderKey's policy refused: the same for every attempt at this provider. */
const refusedConnection = (target: Target, cause: Error): AttemptOutcome => {
  const privateNetwork = cause instanceof PrivateNetworkError;
  return {
    retry: privateNetwork ? "private network" : "insecure http",
    skipProvider: true,
    error: new GatewayError(
      "upstream",
      privateNetwork
        ? `upstream address is in a private network; set allowPrivateNetwork on the ProviderKey ${target.provider.id}`
        : `upstream is plain http to a public address; use https or set allowInsecureHttp on the ProviderKey ${target.provider.id}`,
      { code: privateNetwork ? "upstream_private_network" : "upstream_insecure_http" },
      { cause },
    ),
  };
};

async function attemptOnce(
  target: Target,
  call: UpstreamCall,
  last: boolean,
  opts: CallOptions,
): Promise<AttemptOutcome> {
  // One signal for the attempt, aborted by its timeout or by the caller leaving (cheaper than
  // AbortSignal.any per request); the caller's listener goes once the attempt has an answer.
  const attemptAbort = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    attemptAbort.abort(new Error("timeout"));
  }, target.timeoutMs);
  const callerLeft = () => attemptAbort.abort(opts.signal.reason);
  if (opts.signal.aborted) callerLeft();
  else opts.signal.addEventListener("abort", callerLeft, { once: true });
  const started = performance.now();
  try {
    const response = await send(target, call, attemptAbort.signal, opts);
    if (response.status >= 300 && response.status < 400) {
      clearTimeout(timer);
      discardBody(response.body);
      return redirected(target, response.status);
    }
    if (!RETRYABLE.has(response.status) || last) {
      const upstreamMs = performance.now() - started;
      const { credential } = target.provider;
      const secrets = [...(credential ? [credential] : []), ...secretsInHeaders(call.headers)];
      return {
        ok: {
          response,
          target,
          attempts: 0,
          upstreamMs,
          clearTimeout: () => clearTimeout(timer),
          timedOut: () => timedOut,
          secrets,
        },
      };
    }
    clearTimeout(timer);
    discardBody(response.body);
    return { retry: `status ${response.status}`, retryAfter: upstreamRetryAfter(response.headers) };
  } catch (cause) {
    clearTimeout(timer);
    if (opts.signal.aborted) throw callerGone();
    const refused = refusedConnectionCause(cause);
    if (refused) return refusedConnection(target, refused);
    const provider = target.provider.provider;
    return timedOut
      ? {
          retry: "timeout",
          error: new GatewayError(
            "timeout",
            `the upstream ${provider} provider did not answer in time`,
            {},
            { cause },
          ),
        }
      : {
          retry: "connect error",
          error: new GatewayError(
            "upstream",
            `the upstream ${provider} provider could not be reached`,
            {},
            { cause },
          ),
        };
  } finally {
    opts.signal.removeEventListener("abort", callerLeft);
  }
}

const callerGone = () =>
  new GatewayError("invalid_request", "the caller closed the connection", { status: 499 });

/**
 * A provider that refused with a retry-after, followed by one that could not be reached, still
 * told when to come back: the caller's SDK waits that long rather than on its own schedule.
 * An error that carries its own hint (a namespace cap's) keeps it.
 */
function withRetryAfter(err: GatewayError, hint: Record<string, string> | undefined): GatewayError {
  const own = err.details.headers ?? {};
  if (!hint || Object.keys(hint).length === 0 || "retry-after" in own) return err;
  return new GatewayError(
    err.kind,
    err.message,
    { ...err.details, headers: { ...hint, ...own } },
    { cause: err.cause },
  );
}

/**
 * Tries the planned targets in order until one answers with something other than a
 * retryable error. Nothing has reached the caller yet at this point, so streaming requests
 * fall back too. The last retryable answer is returned as is when every attempt failed.
 * A provider that redirects or sits on a refused private address is not tried again.
 */
export async function callUpstream(
  plan: readonly Target[],
  build: (target: Target) => Promise<UpstreamCall>,
  opts: CallOptions,
): Promise<UpstreamAttempt> {
  let lastError: GatewayError | undefined;
  let retryAfter: Record<string, string> | undefined;
  const skipped = new Set<string>();
  let attempts = 0;
  for (let i = 0; i < plan.length; i++) {
    const target = plan[i] as Target;
    if (skipped.has(target.provider.id)) continue;
    if (attempts > 0) await (opts.sleep ?? defaultSleep)(backoffMs(attempts));
    if (opts.signal.aborted) throw callerGone();
    const capped = await opts.admitTarget?.(target);
    if (capped) {
      lastError = capped;
      skipped.add(target.provider.id);
      opts.onRetry?.({ target, reason: "namespace cap", attempt: attempts });
      continue;
    }
    const last = plan.slice(i + 1).every((t) => skipped.has(t.provider.id));
    attempts++;
    const outcome = await attemptOnce(target, await build(target), last, opts);
    if ("ok" in outcome) return { ...outcome.ok, attempts };
    lastError = outcome.error ?? lastError;
    if (outcome.retryAfter && Object.keys(outcome.retryAfter).length > 0) retryAfter = outcome.retryAfter;
    if (outcome.skipProvider) skipped.add(target.provider.id);
    opts.onRetry?.({ target, reason: outcome.retry, attempt: attempts });
  }
  throw withRetryAfter(lastError ?? new GatewayError("internal", "no upstream target to call"), retryAfter);
}
