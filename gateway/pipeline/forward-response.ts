import type { ServerResponse } from "node:http";
import type { AnswerStream } from "../answer-stream/types.js";
import { EventStreamScrubber } from "../aws/event-stream-scrubber.js";
import { GatewayError } from "../errors.js";
import { sendBody } from "../respond.js";
import { scrubSecrets, scrubSpellings, secretSpellings } from "../scrub.js";
import { type Scrubber, StreamScrubber } from "../streaming/stream-scrubber.js";
import type { AnswerCheck } from "./apply-guardrails.js";
import type { UpstreamAttempt } from "./call-upstream.js";
import { DEFAULT_USAGE_GRACE, forwardStream, type StreamOutcome, type UsageGrace } from "./forward-stream.js";
import { upstreamRetryAfter } from "./retry-after.js";
import type { InboundRequest, Translator, UpstreamReply } from "./types.js";
import { discardBody, readText as readBodyText, type UpstreamResponse } from "./upstream-response.js";

/** Upstream response headers a caller may see; cookies and hop-by-hop headers stay behind. */
const PASSED = [
  "x-request-id",
  "openai-processing-ms",
  "openai-version",
  "request-id",
  "anthropic-organization-id",
];

function passHeaders(upstream: UpstreamResponse, res: ServerResponse, ownRateLimits: boolean): void {
  upstream.headers.forEach((value, name) => {
    // The gateway's own limits are the ones that bind this caller; upstream's would mislead.
    const rateLimit = name.startsWith("x-ratelimit-") || name.startsWith("anthropic-ratelimit-");
    if (PASSED.includes(name) || (rateLimit && !ownRateLimits)) res.setHeader(name, value);
  });
  // An upstream's own refusal (its 429 or 503) says when to come back: relayed, sanitised.
  for (const [name, value] of Object.entries(upstreamRetryAfter(upstream.headers)))
    res.setHeader(name, value);
}

export interface ForwardOptions {
  inbound: InboundRequest;
  translator: Translator;
  secrets: readonly (string | undefined)[];
  ownRateLimits: boolean;
  /** The size of the caller's request body (for a usage estimate when a stream breaks off). */
  requestBytes: number;
  /** The most output tokens the request may produce, when it says (bounds that estimate). */
  outputCap: number | undefined;
  /** How long a stream is still read for its usage after the caller left. */
  usageGrace?: UsageGrace;
  /** Called when the first byte of a streamed body is written (time to first token). */
  onFirstByte?: () => void;
  /** The request's log line: what upstream sent when it was not what the API promises. */
  logFields: Record<string, unknown>;
  /** The Policy's guardrails on a complete answer (apply-guardrails.ts), when it checks answers. */
  checkAnswer?: ((body: string) => AnswerCheck) | undefined;
  /** The same on a streamed answer. */
  answerStream?: AnswerStream | undefined;
}

const JSON_TYPE = { "content-type": "application/json; charset=utf-8" };

const NO_USAGE: StreamOutcome = { usage: undefined, usageEstimated: false };

/** A body that stalls past the attempt's timeout is a 504, one that breaks off a 502: never a 500. */
async function readText(attempt: UpstreamAttempt): Promise<string> {
  try {
    return await readBodyText(attempt.response.body);
  } catch (cause) {
    const provider = attempt.target.provider.provider;
    throw attempt.timedOut()
      ? new GatewayError(
          "timeout",
          `the upstream ${provider} provider did not finish its answer in time`,
          {},
          { cause },
        )
      : new GatewayError("upstream", `the upstream ${provider} provider broke off its answer`, {}, { cause });
  }
}

const NOT_JSON = Symbol("not JSON");

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

const isJson = (text: string) => parseJson(text) !== NOT_JSON;

/** The reply with its JSON parsed once, for the translator; undefined when it is not JSON. */
function replyOf(text: string): UpstreamReply | undefined {
  const parsed = parseJson(text);
  if (parsed === NOT_JSON) return undefined;
  const doc =
    parsed && typeof parsed === "object" && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  return { text, doc };
}

/**
 * An error page (a proxy's HTML 502, a load balancer's text) would reach an SDK that expects
 * its provider's JSON error: it becomes an error in the caller's own shape, with its status.
 */
const notJson = (attempt: UpstreamAttempt) =>
  new GatewayError(
    "upstream",
    `the upstream ${attempt.target.provider.provider} provider answered HTTP ${attempt.response.status} with a body that is not JSON`,
    { status: attempt.response.status, code: "upstream_error" },
  );

/** The longest content type the request's log line carries (it is the upstream's text). */
const MAX_LOGGED_CONTENT_TYPE = 128;

/** `application/json; charset=utf-8` → `application/json`. */
const mediaType = (contentType: string | null) =>
  (contentType ?? "").split(";", 1)[0]?.trim().toLowerCase() ?? "";

const isJsonType = (media: string) => media === "application/json" || media.endsWith("+json");

/**
 * A success that is not what the API promises (an HTML page, a stream that is not one, JSON
 * that does not parse) would make the caller's SDK fail on a parse error: it is a 502 in the
 * caller's shape, and the log line says what upstream sent instead (its type, never its body).
 */
function unexpected(attempt: UpstreamAttempt, what: string, opts: ForwardOptions): GatewayError {
  const contentType = attempt.response.headers.get("content-type") ?? "(none)";
  opts.logFields.upstreamContentType = contentType.slice(0, MAX_LOGGED_CONTENT_TYPE);
  return new GatewayError(
    "upstream",
    `the upstream ${attempt.target.provider.provider} provider answered HTTP ${attempt.response.status} with ${what}`,
    { code: "upstream_unexpected_answer" },
  );
}

/** The scrubber for a stream in this caller media type; none when there is nothing to look for. */
function scrubberFor(contentType: string, spellings: readonly string[]): Scrubber | undefined {
  if (spellings.length === 0) return undefined;
  return contentType.startsWith("application/vnd.amazon.eventstream")
    ? new EventStreamScrubber(spellings)
    : new StreamScrubber(spellings);
}

/**
 * Sends the upstream answer to the caller, every body and stream scrubbed of the secrets the
 * call carried (a proxy in between may reflect them into a success too). Errors are read
 * whole; complete answers go through the translator; streams go event by event,
 * each forwarded as soon as it is complete — nothing is held back for usage accounting.
 * A caller who hangs up does not stop the upstream from being read: its usage is billed.
 */
export async function forwardResponse(
  attempt: UpstreamAttempt,
  res: ServerResponse,
  opts: ForwardOptions,
): Promise<StreamOutcome> {
  const upstream = attempt.response;
  passHeaders(upstream, res, opts.ownRateLimits);
  try {
    if (upstream.status < 200 || upstream.status > 299) {
      const text = scrubSecrets(await readText(attempt), opts.secrets);
      if (!isJson(text)) throw notJson(attempt);
      sendBody(res, upstream.status, JSON_TYPE, text);
      return NO_USAGE;
    }
    if (!opts.inbound.stream) {
      const media = mediaType(upstream.headers.get("content-type"));
      // No type at all is tolerated when the body parses (some compatible servers omit it).
      if (media !== "" && !isJsonType(media)) {
        discardBody(upstream.body);
        throw unexpected(attempt, "a body that is not JSON", opts);
      }
      const reply = replyOf(await readText(attempt));
      if (!reply) throw unexpected(attempt, "a body that is not valid JSON", opts);
      const { body, usage } = opts.translator.response(reply, opts.inbound, upstream.headers);
      const scrubbed = scrubSpellings(body, secretSpellings(opts.secrets));
      const checked = opts.checkAnswer?.(scrubbed) ?? { body: scrubbed };
      // Withheld, it was still answered: its usage is billed.
      if ("withheld" in checked) return { usage, usageEstimated: false, withheld: checked.withheld };
      sendBody(res, upstream.status, JSON_TYPE, checked.body);
      return { usage, usageEstimated: false };
    }
    const stream = opts.translator.stream(opts.inbound);
    if (mediaType(upstream.headers.get("content-type")) !== stream.upstreamContentType) {
      discardBody(upstream.body);
      throw unexpected(attempt, `something other than a stream (${stream.upstreamContentType})`, opts);
    }
    attempt.clearTimeout();
    if (!res.destroyed) {
      res.statusCode = upstream.status;
      res.setHeader("content-type", stream.contentType);
      res.setHeader("cache-control", "no-cache");
      res.flushHeaders();
    }
    return await forwardStream(upstream.body, stream, res, {
      grace: opts.usageGrace ?? DEFAULT_USAGE_GRACE,
      requestBytes: opts.requestBytes,
      outputCap: opts.outputCap,
      idleMs: attempt.target.timeoutMs,
      surface: opts.inbound.surface,
      onFirstByte: opts.onFirstByte,
      scrubber: scrubberFor(stream.contentType, secretSpellings(opts.secrets)),
      answers: opts.answerStream,
    });
  } finally {
    attempt.clearTimeout();
  }
}
