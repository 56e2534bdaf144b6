import { deepStrings, isObject, type Json, type TextSlot } from "../pipeline/json-text-slots.js";
import type { AnswerChannels } from "./answer-channels.js";
import { jsonData } from "./openai-chat-rewriter.js";
import type { SseOut, SseRewriter } from "./types.js";

/** A block's channels: `b<index>:` its text, `j<index>:` a tool_use block's input JSON. */
const textChannel = (index: number) => `b${index}:`;
const jsonChannel = (index: number) => `j${index}:`;

/** Held text of a channel as one more delta of its block. */
function heldDelta(channel: string, text: string): Json {
  const index = Number.parseInt(channel.slice(1), 10);
  const delta =
    channel[0] === "j" ? { type: "input_json_delta", partial_json: text } : { type: "text_delta", text };
  return { type: "content_block_delta", index, delta };
}

/**
 * Anthropic Messages stream events, as parsed JSON (the SSE API and Claude inside Bedrock's
 * InvokeModelWithResponseStream alike): each text block, and each tool_use block's input JSON, is a
 * channel; what one still holds goes out as one more `content_block_delta` before its
 * `content_block_stop`.
 */
export class AnthropicEventRewriter {
  constructor(private readonly channels: AnswerChannels) {}

  rewrite(doc: Json): Json[] {
    const index = typeof doc.index === "number" ? doc.index : 0;
    switch (doc.type) {
      case "content_block_start":
        if (isObject(doc.content_block)) this.#start(doc.content_block, index);
        return [doc];
      case "content_block_delta":
        if (isObject(doc.delta)) this.#delta(doc.delta, index);
        return [doc];
      case "content_block_stop": {
        const held = [
          ...this.channels.closeAll(textChannel(index)),
          ...this.channels.closeAll(jsonChannel(index)),
        ];
        return [...held.filter(([, text]) => text !== "").map(([c, text]) => heldDelta(c, text)), doc];
      }
      case "message_delta":
      case "message_stop":
        return [...this.end(), doc];
      default:
        return [doc];
    }
  }

  /** Blocks the stream never stopped: their held text, as deltas (only its own channels). */
  end(): Json[] {
    return [...this.channels.closeAll("b"), ...this.channels.closeAll("j")]
      .filter(([, text]) => text !== "")
      .map(([channel, text]) => heldDelta(channel, text));
  }

  #start(block: Json, index: number): void {
    if (typeof block.text === "string") block.text = this.channels.push(textChannel(index), block.text);
    // An input given whole at the start (deltas usually bring it): its strings checked whole.
    if (block.type !== "tool_use") return;
    const slots: TextSlot[] = [];
    deepStrings(block, "input", slots);
    for (const slot of slots) slot.replace(this.channels.whole(slot.text));
  }

  #delta(delta: Json, index: number): void {
    if (typeof delta.text === "string") delta.text = this.channels.push(textChannel(index), delta.text);
    if (typeof delta.partial_json === "string") {
      delta.partial_json = this.channels.push(jsonChannel(index), delta.partial_json);
    }
  }
}

/** The Anthropic Messages API's SSE stream. */
export class AnthropicSseRewriter implements SseRewriter {
  readonly #events: AnthropicEventRewriter;

  constructor(channels: AnswerChannels) {
    this.#events = new AnthropicEventRewriter(channels);
  }

  rewrite(e: SseOut): SseOut[] {
    if (e.data === "") return [];
    const doc = jsonData(e.data);
    if (doc === undefined) return [];
    return this.#events.rewrite(doc).map(toSse);
  }

  end(): SseOut[] {
    return this.#events.end().map(toSse);
  }
}

const toSse = (doc: Json): SseOut => ({
  event: typeof doc.type === "string" ? doc.type : undefined,
  data: JSON.stringify(doc),
});
