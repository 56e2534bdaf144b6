import { type BlockReason, blockedBy } from "./inspection.js";
import { redact } from "./redact.js";
import type { RedactionState } from "./redaction-state.js";
import { mergeOverlaps, scan } from "./scan.js";
import type { ArmedDetector, Finding } from "./types.js";

/**
 * Look-behind for values that straddle chunks. 256 characters holds every built-in value that
 * contains spaces (an IBAN in groups is 42, a grouped card 23, an international phone ~25), an
 * email (254 at most) and any custom-rule match (MAX_CUSTOM_MATCH). Values without spaces (keys,
 * JWTs) are held whole by the trailing-token rule, multi-line PEM keys by the finding-in-progress
 * rule, up to MAX_HOLD. 256 characters is ~60 tokens: the caller sees text that much later.
 */
export const STREAM_WINDOW = 256;
/** The most a stream ever holds back, whatever is in progress: a long PEM key fits. */
export const MAX_HOLD = 16_384;
/** Already-emitted text kept as context (phone and SSN detectors look for a word before a number). */
const CONTEXT = 64;

export interface StreamStep {
  /** Text safe to send now, redacted. Empty once blocked. */
  text: string;
  /** What was redacted in `text`, one per span (offsets into the text before redaction). */
  findings: Finding[];
  /** Set when a blocked type appeared: cut the stream. */
  blocked?: BlockReason;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function trailingTokenStart(text: string): number {
  let i = text.length;
  while (i > 0 && !/\s/.test(text.charAt(i - 1))) i--;
  return i;
}

/** Where to stop emitting: before the window, before a trailing token, never inside a finding. */
function cutPoint(pending: string, findings: readonly Finding[], final: boolean): number {
  if (final) return pending.length;
  const floor = Math.max(0, pending.length - MAX_HOLD);
  let cut = Math.max(floor, Math.min(pending.length - STREAM_WINDOW, trailingTokenStart(pending)));
  for (let moved = true; moved; ) {
    moved = false;
    for (const f of findings) {
      if (f.start < cut && f.end > cut && f.start >= floor) {
        cut = f.start;
        moved = true;
      }
    }
  }
  if (cut > 0 && isHighSurrogate(pending.charCodeAt(cut - 1))) cut--;
  return Math.max(0, cut);
}

/**
 * Checks a streamed response chunk by chunk. It holds back a bounded tail (see STREAM_WINDOW) and
 * rescans it with each new chunk, so a value split across chunks is found whole and redacted with
 * the request's placeholders; it never holds the whole stream.
 */
export class StreamInspector {
  #pending = "";
  #context = "";
  #blocked: BlockReason | undefined;

  constructor(
    private readonly detectors: readonly ArmedDetector[],
    private readonly state: RedactionState,
    private readonly maxScanChars: number,
  ) {}

  push(chunk: string): StreamStep {
    return this.#step(chunk, false);
  }

  /** The end of the stream: whatever was held back, checked and redacted. */
  end(): StreamStep {
    return this.#step("", true);
  }

  #step(chunk: string, final: boolean): StreamStep {
    if (this.#blocked !== undefined) return { text: "", findings: [], blocked: this.#blocked };
    this.#pending += chunk;
    if (this.#pending.length > this.maxScanChars) {
      this.#blocked = { reason: "tooLarge", limit: this.maxScanChars };
      return { text: "", findings: [], blocked: this.#blocked };
    }
    const offset = this.#context.length;
    const findings = scan(this.#context + this.#pending, this.detectors)
      .filter((f) => f.end > offset)
      .map((f) => ({ ...f, start: Math.max(0, f.start - offset), end: f.end - offset }));
    // A value that reaches the end of what has arrived may still grow into something else (16
    // digits that are a card may be the start of 19 that are not): judge it on the next chunk.
    const blocking = findings.find((f) => f.action === "block" && (final || f.end < this.#pending.length));
    if (blocking !== undefined) {
      this.#blocked = blockedBy(blocking);
      return { text: "", findings: [], blocked: this.#blocked };
    }
    const cut = cutPoint(this.#pending, findings, final);
    const emitted = findings.filter((f) => f.start < cut).map((f) => (f.end > cut ? { ...f, end: cut } : f));
    const raw = this.#pending.slice(0, cut);
    const spans = mergeOverlaps(emitted);
    this.#pending = this.#pending.slice(cut);
    this.#context = (this.#context + raw).slice(-CONTEXT);
    return { text: redact(raw, spans, this.state), findings: spans };
  }
}
