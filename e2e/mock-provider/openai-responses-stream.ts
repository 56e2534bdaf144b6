import type {
  ResponseContentPartAddedEvent,
  ResponseContentPartDoneEvent,
  ResponseOutputItemAddedEvent,
  ResponseOutputItemDoneEvent,
  ResponseTextDeltaEvent,
  ResponseTextDoneEvent,
} from "openai/resources/responses/responses";
import { splitReply } from "./openai-completion.js";
import {
  outputMessage,
  outputText,
  type ResponseDraft,
  type WireResponse,
  wireResponse,
} from "./openai-responses.js";
import type { SseEvent } from "./sse.js";

type Unnumbered<E> = Omit<E, "sequence_number">;

type LifecycleEvent = {
  type: "response.created" | "response.in_progress" | "response.completed" | "response.incomplete";
  response: WireResponse;
};

type ResponseEvent =
  | LifecycleEvent
  | Unnumbered<ResponseOutputItemAddedEvent>
  | Unnumbered<ResponseContentPartAddedEvent>
  | Unnumbered<ResponseTextDeltaEvent>
  | Unnumbered<ResponseTextDoneEvent>
  | Unnumbered<ResponseContentPartDoneEvent>
  | Unnumbered<ResponseOutputItemDoneEvent>;

/**
 * The full event sequence OpenAI streams for one text message. The SDK's stream helper rebuilds
 * the response from these and fails if an item or part is not announced before its deltas.
 * Each event is named on its `event:` line and again in its data's `type`; no [DONE] follows.
 */
export function responseEvents(draft: ResponseDraft): SseEvent[] {
  const position = { item_id: draft.messageId, output_index: 0, content_index: 0 };
  const text = outputText(draft);
  const events: ResponseEvent[] = [
    { type: "response.created", response: wireResponse(draft, false) },
    { type: "response.in_progress", response: wireResponse(draft, false) },
    { type: "response.output_item.added", output_index: 0, item: outputMessage(draft, false) },
    { type: "response.content_part.added", ...position, part: { ...text, text: "" } },
    ...splitReply(draft.reply.text).map(
      (delta): ResponseEvent => ({ type: "response.output_text.delta", ...position, delta, logprobs: [] }),
    ),
    { type: "response.output_text.done", ...position, text: text.text, logprobs: [] },
    { type: "response.content_part.done", ...position, part: text },
    { type: "response.output_item.done", output_index: 0, item: outputMessage(draft, true) },
    {
      type: draft.reply.truncated ? "response.incomplete" : "response.completed",
      response: wireResponse(draft, true),
    },
  ];
  return events.map((event, index) => ({
    event: event.type,
    data: JSON.stringify({ ...event, sequence_number: index }),
  }));
}
