import type {
  Response,
  ResponseOutputMessage,
  ResponseOutputText,
  ResponseUsage,
} from "openai/resources/responses/responses";
import { countTokens, type LimitedReply, limitReply, replyFor, textOf } from "./openai-completion.js";
import type { ResponsesRequest } from "./openai-responses-validate.js";
import { randomHex } from "./random-id.js";

/** As OpenAI sends it: the SDK derives output_text itself, and usage is null until the end. */
export type WireResponse = Omit<Response, "output_text" | "usage"> & { usage: ResponseUsage | null };

/** Everything one response needs, fixed up front so a stream's events all agree. */
export interface ResponseDraft {
  request: ResponsesRequest;
  id: string;
  createdAt: number;
  messageId: string;
  reply: LimitedReply;
}

export function draftResponse(request: ResponsesRequest): ResponseDraft {
  // replyFor only looks at role and content, which input messages share with chat messages.
  const reply = limitReply(replyFor(request.messages), request.maxOutputTokens);
  return {
    request,
    id: `resp_${randomHex(24)}`,
    createdAt: Math.floor(Date.now() / 1000),
    messageId: `msg_${randomHex(24)}`,
    reply,
  };
}

export function outputText(draft: ResponseDraft): ResponseOutputText {
  return { type: "output_text", text: draft.reply.text, annotations: [], logprobs: [] };
}

export function outputMessage(draft: ResponseDraft, finished: boolean): ResponseOutputMessage {
  return {
    id: draft.messageId,
    type: "message",
    role: "assistant",
    status: finished ? (draft.reply.truncated ? "incomplete" : "completed") : "in_progress",
    content: finished ? [outputText(draft)] : [],
  };
}

function usageOf(draft: ResponseDraft): ResponseUsage {
  const { instructions, messages } = draft.request;
  // A few tokens of framing per message, as for chat completions.
  const input =
    (instructions === null ? 0 : 4 + countTokens(instructions)) +
    messages.reduce((sum, m) => sum + 4 + countTokens(textOf(m.content)), 0);
  const output = countTokens(draft.reply.text);
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + output,
  };
}

/** The response object; before it is finished it has no output and no usage, as in response.created. */
export function wireResponse(draft: ResponseDraft, finished: boolean): WireResponse {
  const { request, reply } = draft;
  const incomplete = finished && reply.truncated;
  return {
    id: draft.id,
    object: "response",
    // null: no special access program, as OpenAI sends it for standard access.
    access_programs: null,
    created_at: draft.createdAt,
    status: finished ? (incomplete ? "incomplete" : "completed") : "in_progress",
    background: false,
    error: null,
    incomplete_details: incomplete ? { reason: "max_output_tokens" } : null,
    instructions: request.instructions,
    max_output_tokens: request.maxOutputTokens ?? null,
    model: request.model,
    output: finished ? [outputMessage(draft, true)] : [],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    service_tier: "default",
    temperature: 1,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: 1,
    truncation: "disabled",
    usage: finished ? usageOf(draft) : null,
    metadata: {},
  };
}
