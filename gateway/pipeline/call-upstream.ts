import { GatewayError } from "../errors.js";
import { backoffMs } from "./select-targets.js";
import type { Target, UpstreamCall } from "./types.js";

/** Answers worth trying elsewhere: rate limited, overloaded, or failing upstream. */
const RETRYABLE = new Set([408, 429, 500, 502, 503, 504, 529]);

export interface UpstreamAttempt {
  response: Response;
  target: Target;
  attempts: number;
  /** Upstream time to response headers, for the overhead metrics. */
  upstreamMs: number;
  /** Stops this attempt's timeout (a stream then lives as long as the caller stays). */
  clearTimeout(): void;
}

export interface CallOptions {
  /** Aborts when the caller goes away. */
  signal: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (info: { target: Target; reason: string; attempt: number }) => void;
  fetchImpl?: typeof fetch;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

type AttemptOutcome = { ok: UpstreamAttempt } | { retry: string; error?: GatewayError };

async function attemptOnce(
  target: Target,
  call: UpstreamCall,
  last: boolean,
  opts: CallOptions,
): Promise<AttemptOutcome> {
  const attemptAbort = new AbortController();
  const timer = setTimeout(() => attemptAbort.abort(new Error("timeout")), target.timeoutMs);
  const signal = AbortSignal.any([opts.signal, attemptAbort.signal]);
  const started = performance.now();
  try {
    const response = await (opts.fetchImpl ?? fetch)(call.url, {
      method: call.method,
      headers: call.headers,
      body: call.body,
      signal,
    });
    if (!RETRYABLE.has(response.status) || last) {
      const upstreamMs = performance.now() - started;
      return { ok: { response, target, attempts: 0, upstreamMs, clearTimeout: () => clearTimeout(timer) } };
    }
    clearTimeout(timer);
    await response.body?.cancel();
    return { retry: `status ${response.status}` };
  } catch (cause) {
    clearTimeout(timer);
    if (opts.signal.aborted) throw callerGone();
    const provider = target.provider.provider;
    return attemptAbort.signal.aborted
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
  }
}

const callerGone = () =>
  new GatewayError("invalid_request", "the caller closed the connection", { status: 499 });

/**
 * Tries the planned targets in order until one answers with something other than a
 * retryable error. Nothing has reached the caller yet at this point, so streaming requests
 * fall back too. The last retryable answer is returned as is when every attempt failed.
 */
export async function callUpstream(
  plan: readonly Target[],
  build: (target: Target) => Promise<UpstreamCall>,
  opts: CallOptions,
): Promise<UpstreamAttempt> {
  let lastError: GatewayError | undefined;
  for (let i = 0; i < plan.length; i++) {
    const target = plan[i] as Target;
    if (i > 0) await (opts.sleep ?? defaultSleep)(backoffMs(i));
    if (opts.signal.aborted) throw callerGone();
    const outcome = await attemptOnce(target, await build(target), i === plan.length - 1, opts);
    if ("ok" in outcome) return { ...outcome.ok, attempts: i + 1 };
    lastError = outcome.error ?? lastError;
    opts.onRetry?.({ target, reason: outcome.retry, attempt: i + 1 });
  }
  throw lastError ?? new GatewayError("internal", "no upstream target to call");
}
