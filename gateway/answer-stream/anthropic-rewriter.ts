import { isObject, type Json } from "../pipeline/json-text-slots.js";
import type { AnswerChannels } from "./answer-channels.js";
import { jsonData } from "./openai-chat-rewriter.js";
import type { SseOut, SseRewriter } from "./types.js";

const heldDelta = (index: number, text: string): Json => ({
  type: "content_block_delta",
  index,
  delta: { type: "text_delta", text },
});

/**
 * Anthropic Messages stream events, as parsed JSON (the SSE API and Claude inside Bedrock's
 * InvokeModelWithResponseStream alike): each text block is a channel; what one still holds goes
 * out as one more `content_block_delta` before its `content_block_stop`.
 */
export class AnthropicEventRewriter {
  constructor(private readonly channels: AnswerChannels) {}

  rewrite(doc: Json): Json[] {
    const index = typeof doc.index === "number" ? doc.index : 0;
    switch (doc.type) {
      case "content_block_start": {
        const block = doc.content_block;
        if (isObject(block) && typeof block.text === "string")
          block.text = this.channels.push(`b${index}`, block.text);
        return [doc];
      }
      case "content_block_delta": {
        const delta = doc.delta;
        if (isObject(delta) && typeof delta.text === "string")
          delta.text = this.channels.push(`b${index}`, delta.text);
        return [doc];
      }
      case "content_block_stop": {
        const text = this.channels.close(`b${index}`);
        return text === "" ? [doc] : [heldDelta(index, text), doc];
      }
      case "message_delta":
      case "message_stop":
        return [...this.end(), doc];
      default:
        return [doc];
    }
  }

  /** Blocks the stream never stopped: their held text, as deltas. */
  end(): Json[] {
    return this.channels
      .closeAll()
      .filter(([, text]) => text !== "")
      .map(([channel, text]) => heldDelta(Number(channel.slice(1)), text));
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
