import { type AnthropicMessageBody, type MessageDraft, stopReasonOf, usageOf } from "./anthropic-message.js";
import { splitReply } from "./openai-completion.js";
import type { SseEvent } from "./sse.js";

// Anthropic pings now and then to keep idle connections open; a relay must pass them through or
// drop them without breaking the stream, so the mock sends one early and more in long replies.
const DELTAS_BETWEEN_PINGS = 4;

type StreamEvent =
  | { type: "message_start"; message: AnthropicMessageBody }
  | { type: "content_block_start"; index: 0; content_block: { type: "text"; text: "" } }
  | { type: "ping" }
  | { type: "content_block_delta"; index: 0; delta: { type: "text_delta"; text: string } }
  | { type: "content_block_stop"; index: 0 }
  | {
      type: "message_delta";
      delta: { stop_reason: string; stop_sequence: null };
      usage: { output_tokens: number };
    }
  | { type: "message_stop" };

/**
 * The event sequence Anthropic streams for one text block. message_start already carries the
 * input tokens (and output_tokens 1); the final output count arrives only in message_delta.
 */
export function messageEvents(draft: MessageDraft): SseEvent[] {
  const events: StreamEvent[] = [
    {
      type: "message_start",
      message: {
        id: draft.id,
        type: "message",
        role: "assistant",
        model: draft.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: usageOf(draft.inputTokens, 1),
      },
    },
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    { type: "ping" },
  ];
  splitReply(draft.reply.text).forEach((text, position) => {
    if (position > 0 && position % DELTAS_BETWEEN_PINGS === 0) events.push({ type: "ping" });
    events.push({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } });
  });
  events.push(
    { type: "content_block_stop", index: 0 },
    {
      type: "message_delta",
      delta: { stop_reason: stopReasonOf(draft), stop_sequence: null },
      usage: { output_tokens: draft.outputTokens },
    },
    { type: "message_stop" },
  );
  return events.map((event) => ({ event: event.type, data: JSON.stringify(event) }));
}
