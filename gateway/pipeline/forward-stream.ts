import type { ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import type { AnswerStream } from "../answer-stream/types.js";
import { GatewayError } from "../errors.js";
import { blockMessage } from "../guardrails/index.js";
import type { Scrubber } from "../streaming/stream-scrubber.js";
import { streamErrorEvent } from "./stream-error-event.js";
import type { StreamTranslator, SurfaceName, Usage } from "./types.js";

/**
 * How long, and how many more bytes, a stream is read for its usage after the caller left.
 * Providers report usage at the end: without this grace, hanging up after the last content
 * chunk would make a request free.
 */
export interface UsageGrace {
  ms: number;
  bytes: number;
}

export const DEFAULT_USAGE_GRACE: UsageGrace = { ms: 5000, bytes: 1 << 20 };

/** What a forwarded stream leaves for settlement. */
export interface StreamOutcome {
  usage: Usage | undefined;
  /** The usage is the gateway's estimate: the provider's own did not arrive (whole). */
  usageEstimated: boolean;
  /** Why the upstream stream broke off, when it did on its own. */
  error?: unknown;
  /** A complete answer the Policy's guardrails withheld: nothing was sent; answer with this. */
  withheld?: GatewayError;
}

const answerWithheld = (blocked: Parameters<typeof blockMessage>[0]) =>
  new GatewayError(
    "invalid_request",
    blockMessage(blocked).replace("The request was not forwarded", "The rest of the answer was withheld"),
    { code: "guardrail_blocked" },
  );

export interface StreamOptions {
  grace: UsageGrace;
  /** The size of the caller's request body, for the input estimate. */
  requestBytes: number;
  /** The most output tokens the request may produce, when known: bounds the output estimate. */
  outputCap: number | undefined;
  /** A stream that sends nothing for this long has stalled: it is ended with an error event. */
  idleMs: number;
  /** The caller's API, in whose stream format a stall or upstream failure is reported. */
  surface: SurfaceName;
  onFirstByte: (() => void) | undefined;
  /** Cuts the call's secrets out of what the caller gets; none when there are none to look for. */
  scrubber: Scrubber | undefined;
  /** The Policy's guardrails on the answer's texts, when it checks answers. */
  answers?: AnswerStream | undefined;
}

function writeAll(res: ServerResponse, chunks: readonly Uint8Array[]): Promise<void> | undefined {
  let ok = true;
  for (const c of chunks) ok = res.write(c) && ok;
  if (ok) return undefined;
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/** Roughly four bytes a token; it errs high, so hanging up never pays. */
const tokensIn = (bytes: number) => Math.ceil(bytes / 4);

/**
 * Usage for a stream that ended without its provider's full count: what the provider did
 * report, raised to an estimate from the request size and the bytes streamed. Streamed bytes
 * include each event's framing, so the output estimate is held to what the request could
 * produce at most.
 */
function estimate(reported: Usage | undefined, opts: StreamOptions, streamedBytes: number): Usage {
  const streamedTokens = tokensIn(streamedBytes);
  const bounded = opts.outputCap === undefined ? streamedTokens : Math.min(streamedTokens, opts.outputCap);
  return {
    inputTokens: reported && reported.inputTokens > 0 ? reported.inputTokens : tokensIn(opts.requestBytes),
    outputTokens: Math.max(reported?.outputTokens ?? 0, bounded),
  };
}

/** What to do after a chunk: read on, wait for the caller to take what was written, or stop. */
type Next = "read" | "wait" | "stop";

/** One stream's forwarding state: what was read, whether the caller is still there. */
class StreamRelay {
  private streamed = 0;
  private afterCaller = 0;
  private cut = false;
  private firstByte = true;
  private stalled = false;
  /** The guardrails cut the answer: the caller has its error event; the rest is read for usage only. */
  private withheld: GatewayError | undefined;
  /** Waiting for the caller to take what was written: a slow reader is not a stalled upstream. */
  private waitingForCaller = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly idle: NodeJS.Timeout;

  constructor(
    private readonly body: Readable,
    private readonly stream: StreamTranslator,
    private readonly res: ServerResponse,
    private readonly opts: StreamOptions,
  ) {
    // One timer for the whole stream, pushed back on every chunk: no allocation per chunk.
    this.idle = setTimeout(this.stall, opts.idleMs);
  }

  async run(): Promise<StreamOutcome> {
    const { res } = this;
    if (res.destroyed) this.callerGone();
    else res.once("close", this.callerGone);
    let error: unknown;
    try {
      await this.pump();
    } catch (err) {
      this.cut = true;
      error = err;
    } finally {
      clearTimeout(this.timer);
      clearTimeout(this.idle);
      res.off("close", this.callerGone);
      if (this.cut) this.cancel();
    }
    if (this.stalled) error = new Error(`the upstream stream sent nothing for ${this.opts.idleMs} ms`);
    error ??= this.withheld;
    // The caller must see the stream break, not a clean end.
    if (error) this.endWithError();
    const usage = this.stream.usage();
    if (usage && !this.cut) return { usage, usageEstimated: false, ...(error ? { error } : {}) };
    return {
      usage: estimate(usage, this.opts, this.streamed),
      usageEstimated: true,
      ...(error ? { error } : {}),
    };
  }

  private endWithError(): void {
    const { res } = this;
    if (res.destroyed || res.writableEnded) return;
    // What the guardrails held back is checked and sent before the error, as far as it goes.
    const answers = this.opts.answers;
    if (answers && !answers.blocked) {
      const held = this.scrub(answers.end());
      for (const c of held) res.write(c);
    }
    const message = this.stalled
      ? "The upstream provider stopped sending the stream; the answer is incomplete."
      : "The upstream provider's stream failed; the answer is incomplete.";
    const held = this.opts.scrubber?.end();
    if (held && held.length > 0) res.write(held);
    res.end(streamErrorEvent(this.opts.surface, message));
  }

  private readonly stall = () => {
    if (this.waitingForCaller) {
      this.idle.refresh();
      return;
    }
    this.stalled = true;
    this.cut = true;
    this.cancel();
  };

  /** Starts the grace: the stream is read on, unwritten, until it ends or the grace is over. */
  private readonly callerGone = () => {
    if (this.timer || this.res.writableFinished) return;
    this.timer = setTimeout(this.graceOver, this.opts.grace.ms);
  };

  private readonly graceOver = () => {
    this.cut = true;
    this.cancel();
  };

  private cancel(): void {
    if (!this.body.destroyed) this.body.destroy();
  }

  /**
   * Reads the body chunk by chunk as Node delivers it, pausing while the caller has not taken
   * what was written. Settles when the body ends (after the tail is written), when it is cut
   * (stall, grace), or rejects when it fails on its own.
   */
  private pump(): Promise<void> {
    const { body } = this;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (err?: unknown) => {
        if (settled) return;
        settled = true;
        body.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
        if (err === undefined) resolve();
        else reject(err);
      };
      const onData = (chunk: Buffer) => {
        let next: Next;
        try {
          next = this.relay(chunk);
        } catch (err) {
          // A listener must not throw into the stream: a chunk that breaks parsing fails this stream.
          settle(err);
          return;
        }
        if (next === "stop") settle();
        else if (next === "wait") {
          body.pause();
          this.whenCallerTakesIt(() => {
            if (!settled) body.resume();
          });
        }
      };
      const onEnd = () => {
        this.tail().then(() => settle(), settle);
      };
      // A body destroyed on purpose (stall, grace) ends the read; one that failed by itself is an error.
      const onError = (err: Error) => settle(this.cut ? undefined : err);
      const onClose = () => {
        if (body.readableEnded) return;
        settle(this.cut ? undefined : new Error("the upstream stream closed before its end"));
      };
      body.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
    });
  }

  /** The tail is parsed even for a caller who left: it may hold the usage. */
  private async tail(): Promise<void> {
    if (this.cut) return;
    const last = this.stream.end();
    if (this.withheld) return;
    const answers = this.opts.answers;
    const tail = this.scrub(answers && !this.res.destroyed ? [...this.check(last), ...answers.end()] : last);
    if (answers?.blocked) {
      this.withhold(tail);
      return;
    }
    const held = this.opts.scrubber?.end();
    if (held && held.length > 0) tail.push(held);
    if (!this.res.destroyed) {
      await writeAll(this.res, tail);
      this.res.end();
    }
  }

  private whenCallerTakesIt(then: () => void): void {
    const { res } = this;
    this.waitingForCaller = true;
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      this.waitingForCaller = false;
      this.idle.refresh();
      then();
    };
    res.on("drain", done);
    res.on("close", done);
  }

  /** The caller bytes with the secrets cut out; bytes that could begin one wait for the next. */
  private scrub(out: Uint8Array[]): Uint8Array[] {
    const { scrubber } = this.opts;
    if (!scrubber) return out;
    const safe: Uint8Array[] = [];
    for (const c of out) {
      const s = scrubber.push(c);
      if (s.length > 0) safe.push(s);
    }
    return safe;
  }

  /** The answer's events with their texts checked (held back, redacted), when the Policy checks answers. */
  private check(out: Uint8Array[]): Uint8Array[] {
    const { answers } = this.opts;
    return answers ? out.flatMap((c) => answers.push(c)) : out;
  }

  /**
   * A blocked value met: what was safe goes out, then the error event ends the caller's response.
   * The upstream is read on for its usage for the grace period, as for a caller who left.
   */
  private withhold(safe: Uint8Array[]): void {
    const blocked = this.opts.answers?.blocked;
    if (blocked === undefined) return;
    this.withheld = answerWithheld(blocked);
    const { res } = this;
    for (const c of safe) res.write(c);
    const held = this.opts.scrubber?.end();
    if (held && held.length > 0) res.write(held);
    res.end(streamErrorEvent(this.opts.surface, this.withheld.message, "guardrail"));
    this.timer ??= setTimeout(this.graceOver, this.opts.grace.ms);
  }

  /** Parses one upstream chunk and writes what it completes. */
  private relay(chunk: Uint8Array): Next {
    this.idle.refresh();
    this.streamed += chunk.length;
    const parsed = this.stream.push(chunk);
    if (this.res.destroyed || this.withheld) {
      this.afterCaller += chunk.length;
      if (this.afterCaller > this.opts.grace.bytes) this.cut = true;
      return this.cut ? "stop" : "read";
    }
    const safe = this.scrub(this.check(parsed));
    if (this.opts.answers?.blocked) {
      this.withhold(safe);
      return "read";
    }
    if (this.firstByte && safe.length > 0) {
      this.firstByte = false;
      this.opts.onFirstByte?.();
    }
    if (safe.length === 0) return "read";
    // The events one upstream read completed go out in one write (one chunk, one system call),
    // not one each: they are all here now, so none waits for another.
    const batch = safe.length === 1 ? (safe[0] as Uint8Array) : Buffer.concat(safe);
    return this.res.write(batch) ? "read" : "wait";
  }
}

/**
 * Forwards a 2xx stream event by event, reading usage as it passes. When the caller leaves,
 * the stream is still read and parsed (not written) for a bounded grace, so the usage sent
 * at its end is billed; if it never comes, an estimate is.
 */
export function forwardStream(
  body: Readable,
  stream: StreamTranslator,
  res: ServerResponse,
  opts: StreamOptions,
): Promise<StreamOutcome> {
  return new StreamRelay(body, stream, res, opts).run();
}
