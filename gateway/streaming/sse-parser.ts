/**
 * Server-sent events, split as they arrive. Each event keeps its raw bytes so the gateway
 * forwards exactly what upstream sent (no re-serialisation) while it reads the fields.
 */
export interface SseEvent {
  event: string | undefined;
  data: string;
  /** The event's bytes as received, including its terminating blank line. */
  raw: Buffer;
}

/** Upstream sent something that cannot be a stream of events; the stream must be cut. */
export class SseStreamError extends Error {
  override readonly name = "SseStreamError";
}

/**
 * The most bytes one event may take before its blank line. Generous: an OpenAI Responses
 * `response.completed` event repeats the whole output, and image tools stream base64 images.
 * Without a cap, an upstream that never sends a blank line makes the gateway buffer forever.
 */
export const MAX_SSE_EVENT_BYTES = 16 * 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;

// How much of an event's terminator ("\n\n" or "\n\r\n") the last bytes seen were.
const NONE = 0;
const AFTER_LF = 1;
const AFTER_LF_CR = 2;
type Progress = typeof NONE | typeof AFTER_LF | typeof AFTER_LF_CR;

/** The terminator progress after `byte`, or "end" when it completes the blank line. */
function step(progress: Progress, byte: number): Progress | "end" {
  if (byte === LF) return progress === NONE ? AFTER_LF : "end";
  if (byte === CR && progress === AFTER_LF) return AFTER_LF_CR;
  return NONE;
}

function parseFields(raw: Buffer): { event: string | undefined; data: string } {
  let event: string | undefined;
  const data: string[] = [];
  for (const line of raw.toString("utf8").split(/\r?\n/)) {
    if (line === "" || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  return { event, data: data.join("\n") };
}

/**
 * Each byte is examined once and copied at most twice (into the parser, then into its event),
 * whatever the chunk sizes: an event trickling in one byte at a time costs linear time.
 */
export class SseParser {
  /** Bytes of the event in progress, as received; none of them ends it. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private progress: Progress = NONE;
  private failure: SseStreamError | undefined;

  constructor(private readonly maxEventBytes = MAX_SSE_EVENT_BYTES) {}

  /**
   * Feeds bytes; returns every event completed by them. An event longer than the cap (or a
   * stream that runs past it without ending one) is an SseStreamError, thrown once the events
   * before it have been returned, and again on every later call: nothing after it can be framed.
   */
  push(chunk: Uint8Array): SseEvent[] {
    if (this.failure) throw this.failure;
    // Our own copy: events handed out outlive the caller's chunk, which it may reuse.
    const bytes = Buffer.from(chunk);
    const events: SseEvent[] = [];
    try {
      let start = 0;
      // Only line feeds can end an event: jump from one to the next (a native search), and
      // work out what the bytes between them did to the terminator's progress.
      let from = 0;
      for (let lf = bytes.indexOf(LF, from); lf !== -1; lf = bytes.indexOf(LF, from)) {
        const next = step(this.progressBefore(bytes, from, lf), LF);
        from = lf + 1;
        if (next !== "end") {
          this.progress = next;
          continue;
        }
        this.progress = NONE;
        const raw = this.take(bytes.subarray(start, lf + 1));
        events.push({ ...parseFields(raw), raw });
        start = lf + 1;
      }
      this.progress = this.progressBefore(bytes, from, bytes.length);
      this.hold(bytes.subarray(start));
    } catch (error) {
      if (!(error instanceof SseStreamError) || events.length === 0) throw error;
    }
    return events;
  }

  /**
   * The terminator's progress just before `end`, when bytes[from, end) hold no line feed and
   * this.progress is the progress just before `from`: unchanged over no bytes; after them, only a
   * lone CR right after a line feed keeps it going (the "\n\r\n" form); anything else resets it.
   */
  private progressBefore(bytes: Buffer, from: number, end: number): Progress {
    if (end === from) return this.progress;
    if (end - from === 1 && bytes[from] === CR && this.progress === AFTER_LF) return AFTER_LF_CR;
    return NONE;
  }

  /** Bytes of an unterminated last event, if upstream ended without a blank line. */
  flush(): SseEvent | undefined {
    if (this.failure) throw this.failure;
    const raw = this.take(Buffer.alloc(0));
    this.progress = NONE;
    if (raw.length === 0 || raw.toString("utf8").trim() === "") return undefined;
    return { ...parseFields(raw), raw };
  }

  private hold(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.pendingBytes + bytes.length > this.maxEventBytes) throw this.tooLarge();
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
  }

  /** The held bytes followed by `tail`, as one event; the parser holds nothing after. */
  private take(tail: Buffer): Buffer {
    const size = this.pendingBytes + tail.length;
    if (size > this.maxEventBytes) throw this.tooLarge();
    const raw = this.pending.length === 0 ? tail : Buffer.concat([...this.pending, tail], size);
    this.pending = [];
    this.pendingBytes = 0;
    return raw;
  }

  private tooLarge(): SseStreamError {
    this.pending = [];
    this.pendingBytes = 0;
    this.failure = new SseStreamError(
      `upstream event stream sent an event of more than ${this.maxEventBytes} bytes`,
    );
    return this.failure;
  }
}
