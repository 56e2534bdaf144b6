import type { BlockReason } from "../guardrails/index.js";

/**
 * A streamed answer checked by the Policy's guardrails on its way to the caller: the caller's
 * stream bytes in (after translation), the same stream with its texts redacted out. Text is
 * held back while it could be part of a value (see StreamInspector) and sent with a later event.
 */
export interface AnswerStream {
  push(chunk: Uint8Array): Uint8Array[];
  /** The upstream stream ended: what is still held, sent. */
  end(): Uint8Array[];
  /** Set once a blocked value appeared: the caller gets nothing more of the answer. */
  readonly blocked: BlockReason | undefined;
}

/** One server-sent event as a rewriter reads and writes it. */
export interface SseOut {
  event?: string | undefined;
  data: string;
}

/** Rewrites the events of one SSE format; the stream around it parses and serialises. */
export interface SseRewriter {
  /** The events to send for this one (none, itself rewritten, or held text first). */
  rewrite(event: SseOut): SseOut[];
  /** The stream ended: held text, as events. */
  end(): SseOut[];
}
