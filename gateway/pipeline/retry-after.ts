import type { HeaderReader } from "./types.js";

/**
 * The longest wait the gateway relays. A provider's hint is worth passing (the SDKs back off
 * on its schedule), but a hostile or broken upstream must not park a caller for days.
 */
export const MAX_RETRY_AFTER_SECONDS = 3600;

const SECONDS = /^\d{1,12}(?:\.\d{1,6})?$/;
/** HTTP-dates (IMF-fixdate and the obsolete forms RFC 9110 asks recipients to accept). */
const HTTP_DATE = /^[A-Za-z]{3,9}, ?[0-9A-Za-z :-]{10,30}(?: GMT)?$/;

/** `retry-after` as delta-seconds or an HTTP-date, normalised; undefined when it is neither. */
function retryAfter(value: string, now: number): string | undefined {
  const v = value.trim();
  if (SECONDS.test(v)) return String(Math.min(Math.ceil(Number(v)), MAX_RETRY_AFTER_SECONDS));
  if (v.length > 40 || !HTTP_DATE.test(v)) return undefined;
  const at = Date.parse(v);
  if (!Number.isFinite(at)) return undefined;
  // A date beyond the cap becomes the cap; a sane one is passed in its canonical spelling.
  if (at - now > MAX_RETRY_AFTER_SECONDS * 1000) return String(MAX_RETRY_AFTER_SECONDS);
  return new Date(at).toUTCString();
}

/** Azure OpenAI's (and the SDKs') `retry-after-ms`: milliseconds, possibly fractional. */
function retryAfterMs(value: string): string | undefined {
  const v = value.trim();
  if (!SECONDS.test(v)) return undefined;
  return String(Math.min(Math.ceil(Number(v)), MAX_RETRY_AFTER_SECONDS * 1000));
}

/**
 * The upstream's own "come back later" hints, made safe to relay: an integer or an HTTP-date,
 * capped at an hour. Anything else (a hostile string, an absurd number) is dropped, never
 * passed verbatim.
 */
export function upstreamRetryAfter(headers: HeaderReader, now = Date.now()): Record<string, string> {
  const out: Record<string, string> = {};
  const seconds = headers.get("retry-after");
  const ms = headers.get("retry-after-ms");
  const s = seconds === null ? undefined : retryAfter(seconds, now);
  const m = ms === null ? undefined : retryAfterMs(ms);
  if (s !== undefined) out["retry-after"] = s;
  if (m !== undefined) out["retry-after-ms"] = m;
  return out;
}
