import type { MessagesRequest } from "./anthropic-validate.js";
import { countTokens, type LimitedReply, limitReply, replyFor, textOf } from "./openai-completion.js";
import { randomAlphanumeric } from "./random-id.js";

/** The wire shape of a 2023-06-01 message; the SDK's own type lists fields newer versions add. */
export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  service_tier: "standard";
}

export type StopReason = "end_turn" | "max_tokens";

export interface AnthropicMessageBody {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: { type: "text"; text: string }[];
  stop_reason: StopReason | null;
  stop_sequence: null;
  usage: AnthropicUsage;
}

/** Fixed before answering so a stream's events agree with each other and with count_tokens. */
export interface MessageDraft {
  id: string;
  model: string;
  reply: LimitedReply;
  inputTokens: number;
  outputTokens: number;
}

/** Vertex marks the messages it serves, which lets a test see which upstream answered. */
export function draftMessage(request: MessagesRequest, idPrefix: "msg_01" | "msg_vrtx_01"): MessageDraft {
  const reply = limitReply(replyFor(request.messages), request.maxTokens);
  return {
    id: `${idPrefix}${randomAlphanumeric(22)}`,
    model: request.model,
    reply,
    inputTokens: inputTokensOf(request),
    outputTokens: countTokens(reply.text),
  };
}

/** Words plus a little framing per turn: not Claude's tokenizer, but stable and easy to assert. */
export function inputTokensOf(request: Pick<MessagesRequest, "messages" | "system">): number {
  const system = textOf(request.system);
  const systemTokens = system === "" ? 0 : 3 + countTokens(system);
  return request.messages.reduce((sum, m) => sum + 3 + countTokens(textOf(m.content)), systemTokens);
}

export function stopReasonOf(draft: MessageDraft): StopReason {
  return draft.reply.truncated ? "max_tokens" : "end_turn";
}

export function usageOf(inputTokens: number, outputTokens: number): AnthropicUsage {
  return {
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    service_tier: "standard",
  };
}

export function messageBody(draft: MessageDraft): AnthropicMessageBody {
  return {
    id: draft.id,
    type: "message",
    role: "assistant",
    model: draft.model,
    content: [{ type: "text", text: draft.reply.text }],
    stop_reason: stopReasonOf(draft),
    stop_sequence: null,
    usage: usageOf(draft.inputTokens, draft.outputTokens),
  };
}
