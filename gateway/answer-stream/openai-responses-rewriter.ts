import { isObject, type Json } from "../pipeline/json-text-slots.js";
import type { AnswerChannels } from "./answer-channels.js";
import { jsonData } from "./openai-chat-rewriter.js";
import type { SseOut, SseRewriter } from "./types.js";

/** The texts the API streams: `<name>.delta` events, then `<name>.done` with the whole text in `field`. */
const TEXTS = [
  { name: "response.output_text", field: "text", prefix: "o" },
  { name: "response.refusal", field: "refusal", prefix: "r" },
  { name: "response.function_call_arguments", field: "arguments", prefix: "f" },
] as const;
type StreamedText = (typeof TEXTS)[number];
const STREAMED = new Map<string, StreamedText>(TEXTS.map((t) => [`${t.name}.delta`, t]));
const DONE = new Map<string, StreamedText>(TEXTS.map((t) => [`${t.name}.done`, t]));

const channelOf = (prefix: string, doc: Json) =>
  `${prefix}${String(doc.output_index ?? 0)}:${String(doc.content_index ?? 0)}`;

/** A delta carrying a channel's held text, numbered like the event it goes before. */
function heldDelta(type: string, like: Json, text: string): Json {
  const delta: Json = { type };
  for (const k of ["item_id", "output_index", "content_index", "sequence_number"])
    if (k in like) delta[k] = like[k];
  delta.delta = text;
  return delta;
}

/**
 * The Responses API's stream. Deltas are channels per output item and content part; a `done`
 * event first gets what its channel still held as one more delta, then carries the whole text
 * checked again (so it reads as the deltas did). Events that repeat the output (content part,
 * output item, the final response) have their texts checked whole. Sequence numbers are shifted
 * past the added deltas.
 */
export class OpenAIResponsesRewriter implements SseRewriter {
  #added = 0;

  constructor(private readonly channels: AnswerChannels) {}

  rewrite(e: SseOut): SseOut[] {
    if (e.data === "") return [];
    const doc = jsonData(e.data);
    if (doc === undefined) return [];
    const type = typeof doc.type === "string" ? doc.type : (e.event ?? "");
    const held = this.#texts(type, doc);
    const out: SseOut[] = [];
    if (held !== undefined) {
      out.push(this.#sequenced(held));
      this.#added++;
    }
    out.push(this.#sequenced(doc));
    return out;
  }

  /** Checks the event's texts in place; answers a delta to send first with held text, if any. */
  #texts(type: string, doc: Json): Json | undefined {
    const streamed = STREAMED.get(type);
    if (streamed && typeof doc.delta === "string") {
      doc.delta = this.channels.push(channelOf(streamed.prefix, doc), doc.delta);
      return undefined;
    }
    const done = DONE.get(type);
    if (done) {
      const text = this.channels.close(channelOf(done.prefix, doc));
      const whole = doc[done.field];
      if (typeof whole === "string") doc[done.field] = this.channels.whole(whole);
      return text === "" ? undefined : heldDelta(`${done.name}.delta`, doc, text);
    }
    if (type === "response.content_part.done" && isObject(doc.part)) this.#wholeTexts(doc.part);
    else if (isObject(doc.item)) this.#wholeItem(doc.item);
    else if (isObject(doc.response)) this.#wholeResponse(doc.response);
    return undefined;
  }

  #wholeResponse(response: Json): void {
    if (Array.isArray(response.output))
      for (const item of response.output) if (isObject(item)) this.#wholeItem(item);
    if (typeof response.output_text === "string")
      response.output_text = this.channels.whole(response.output_text);
  }

  end(): SseOut[] {
    return this.channels
      .closeAll()
      .filter(([, text]) => text !== "")
      .map(([channel, text]) => {
        const type = `${TEXTS.find((t) => t.prefix === channel[0])?.name ?? "response.output_text"}.delta`;
        const [output, content] = channel.slice(1).split(":").map(Number);
        return this.#sequenced(heldDelta(type, { output_index: output, content_index: content }, text));
      });
  }

  /** Every event's sequence number moves up by the deltas added before it. */
  #sequenced(doc: Json): SseOut {
    if (typeof doc.sequence_number === "number") doc.sequence_number += this.#added;
    return { event: typeof doc.type === "string" ? doc.type : undefined, data: JSON.stringify(doc) };
  }

  #wholeItem(item: Json): void {
    if (typeof item.arguments === "string") item.arguments = this.channels.whole(item.arguments);
    if (Array.isArray(item.content))
      for (const part of item.content) if (isObject(part)) this.#wholeTexts(part);
  }

  #wholeTexts(part: Json): void {
    if (typeof part.text === "string") part.text = this.channels.whole(part.text);
    if (typeof part.refusal === "string") part.refusal = this.channels.whole(part.refusal);
  }
}
