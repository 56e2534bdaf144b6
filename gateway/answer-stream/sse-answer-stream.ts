import { SseParser } from "../streaming/sse-parser.js";
import type { AnswerChannels } from "./answer-channels.js";
import type { AnswerStream, SseOut, SseRewriter } from "./types.js";

const encoder = new TextEncoder();

function serialise(e: SseOut): Uint8Array {
  return encoder.encode(`${e.event === undefined ? "" : `event: ${e.event}\n`}data: ${e.data}\n\n`);
}

/** An SSE answer (OpenAI's and Anthropic's APIs) with each event's texts checked by a rewriter. */
export class SseAnswerStream implements AnswerStream {
  readonly #parser = new SseParser();

  constructor(
    private readonly rewriter: SseRewriter,
    private readonly channels: AnswerChannels,
  ) {}

  get blocked() {
    return this.channels.blocked;
  }

  push(chunk: Uint8Array): Uint8Array[] {
    return this.#out(this.#parser.push(chunk).flatMap((e) => this.#rewrite(e)));
  }

  end(): Uint8Array[] {
    const tail = this.#parser.flush();
    const events = tail ? this.#rewrite(tail) : [];
    return this.#out(this.blocked ? [] : [...events, ...this.rewriter.end()]);
  }

  #rewrite(e: { event: string | undefined; data: string }): SseOut[] {
    if (this.blocked) return [];
    const out = this.rewriter.rewrite({ event: e.event, data: e.data });
    // The event that met a blocked value is not sent, nor anything after it.
    return this.blocked ? [] : out;
  }

  #out(events: SseOut[]): Uint8Array[] {
    return events.map(serialise);
  }
}
