import {
  EventStreamDecoder,
  type EventStreamMessage,
  encodeEventStreamMessage,
} from "../aws/event-stream.js";
import { isObject, type Json } from "../pipeline/json-text-slots.js";
import type { AnswerChannels } from "./answer-channels.js";
import { AnthropicEventRewriter } from "./anthropic-rewriter.js";
import { jsonData } from "./openai-chat-rewriter.js";
import type { AnswerStream } from "./types.js";

const EVENT_HEADERS = { ":message-type": "event", ":content-type": "application/json" };

function frame(eventType: string, body: Json): Uint8Array {
  return encodeEventStreamMessage({
    headers: { ...EVENT_HEADERS, ":event-type": eventType },
    body: Buffer.from(JSON.stringify(body)),
  });
}

/** Top-level text fields of the non-Claude model families, and what says their answer is over. */
const FAMILY_TEXT = ["outputText", "generation", "completion"] as const;
const FAMILY_STOP = ["completionReason", "stop_reason"] as const;

/**
 * Bedrock's event streams: ConverseStream's content blocks are channels (held text goes out as
 * one more `contentBlockDelta` before the block's `contentBlockStop`); InvokeModelWithResponseStream
 * carries the model family's own JSON in each `chunk` (Claude's events are checked as Anthropic's,
 * Titan's, Llama's, Mistral's and Claude v2's text fields as one channel, whose held text joins the
 * chunk that ends the answer). Frames are re-encoded with their CRCs; exceptions pass as they came.
 */
export class BedrockAnswerStream implements AnswerStream {
  readonly #decoder = new EventStreamDecoder();
  readonly #claude: AnthropicEventRewriter;
  /** Where the model family puts its text, to send held text the same way at the end. */
  #familyField: string = "outputText";

  constructor(
    private readonly channels: AnswerChannels,
    private readonly operation: "converse" | "invoke",
  ) {
    this.#claude = new AnthropicEventRewriter(channels);
  }

  get blocked() {
    return this.channels.blocked;
  }

  push(chunk: Uint8Array): Uint8Array[] {
    if (this.blocked) return [];
    const out: Uint8Array[] = [];
    for (const message of this.#decoder.push(chunk)) {
      const frames = this.#rewrite(message);
      if (this.blocked) return out;
      out.push(...frames);
    }
    return out;
  }

  end(): Uint8Array[] {
    if (this.blocked) return [];
    try {
      this.#decoder.end();
    } catch {
      // A message cut short is not sent: the caller's SDK reports the stream as broken.
    }
    if (this.operation === "converse") {
      const held = this.channels.closeAll().filter(([, text]) => text !== "");
      return held.map(([c, text]) => frame("contentBlockDelta", converseDelta(c, text)));
    }
    const claude = this.#claude.end().map(chunkFrame);
    const family = this.channels.close("g");
    if (family === "") return claude;
    const inner =
      this.#familyField === "outputs" ? { outputs: [{ text: family }] } : { [this.#familyField]: family };
    return [...claude, chunkFrame(inner)];
  }

  #rewrite(message: EventStreamMessage): Uint8Array[] {
    const eventType = message.headers[":event-type"];
    if (message.headers[":message-type"] !== "event" || typeof eventType !== "string") {
      return [encodeEventStreamMessage({ headers: stringHeaders(message), body: message.body })];
    }
    const doc = jsonData(Buffer.from(message.body).toString("utf8")) ?? {};
    if (this.operation === "converse") return this.#converse(eventType, doc).map(([t, d]) => frame(t, d));
    if (eventType !== "chunk" || typeof doc.bytes !== "string") return [frame(eventType, doc)];
    const inner = jsonData(Buffer.from(doc.bytes, "base64").toString("utf8")) ?? {};
    if (typeof inner.type === "string") return this.#claude.rewrite(inner).map(chunkFrame);
    return [chunkFrame(this.#family(inner))];
  }

  /** Converse blocks: `b<index>:` a block's text, `t<index>:` a toolUse block's input JSON. */
  #converse(eventType: string, doc: Json): [string, Json][] {
    const index = typeof doc.contentBlockIndex === "number" ? doc.contentBlockIndex : 0;
    const delta = isObject(doc.delta) ? doc.delta : undefined;
    if (eventType === "contentBlockDelta" && delta !== undefined) {
      if (typeof delta.text === "string") delta.text = this.channels.push(`b${index}:`, delta.text);
      if (isObject(delta.toolUse) && typeof delta.toolUse.input === "string") {
        delta.toolUse.input = this.channels.push(`t${index}:`, delta.toolUse.input);
      }
      return [[eventType, doc]];
    }
    const held =
      eventType === "contentBlockStop"
        ? [...this.channels.closeAll(`b${index}:`), ...this.channels.closeAll(`t${index}:`)]
        : eventType === "messageStop"
          ? this.channels.closeAll()
          : [];
    return [
      ...held
        .filter(([, text]) => text !== "")
        .map(([c, text]): [string, Json] => ["contentBlockDelta", converseDelta(c, text)]),
      [eventType, doc],
    ];
  }

  /** Titan, Llama, Claude v2 (a top-level text field) and Mistral (`outputs[].text`). */
  #family(inner: Json): Json {
    const slots: [Json, string][] = [];
    for (const field of FAMILY_TEXT) {
      if (typeof inner[field] !== "string") continue;
      slots.push([inner, field]);
      this.#familyField = field;
    }
    if (Array.isArray(inner.outputs)) {
      for (const o of inner.outputs) if (isObject(o) && typeof o.text === "string") slots.push([o, "text"]);
      this.#familyField = "outputs";
    }
    for (const [holder, field] of slots) holder[field] = this.channels.push("g", holder[field] as string);
    const stops = [inner, ...(Array.isArray(inner.outputs) ? inner.outputs.filter(isObject) : [])];
    const ended = stops.some((h) => FAMILY_STOP.some((k) => h[k] !== null && h[k] !== undefined));
    const last = slots.at(-1);
    if (ended && last !== undefined) {
      const [holder, field] = last;
      holder[field] = `${holder[field] as string}${this.channels.close("g")}`;
    }
    return inner;
  }
}

/** Held text of a Converse channel as one more delta of its block. */
function converseDelta(channel: string, text: string): Json {
  const contentBlockIndex = Number.parseInt(channel.slice(1), 10);
  return { contentBlockIndex, delta: channel[0] === "t" ? { toolUse: { input: text } } : { text } };
}

function chunkFrame(inner: Json): Uint8Array {
  return frame("chunk", { bytes: Buffer.from(JSON.stringify(inner)).toString("base64") });
}

function stringHeaders(message: EventStreamMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) headers[name] = String(value);
  return headers;
}
