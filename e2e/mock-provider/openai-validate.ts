import { type OpenAIErrorBody, openaiError } from "./openai-errors.js";
import {
  checkModel,
  checkStreaming,
  type Fields,
  includeUsageOf,
  invalidBody,
  invalidType,
  isAbsent,
  isRecord,
  missingParam,
  readOptionalInt,
} from "./openai-params.js";

// "function" is deprecated but OpenAI still accepts it, so rejecting it would be stricter than upstream.
const ROLES = ["system", "developer", "user", "assistant", "tool", "function"] as const;
export type ChatRole = (typeof ROLES)[number];

export interface ChatMessage {
  role: ChatRole;
  content: unknown;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  includeUsage: boolean;
  /** From max_completion_tokens, or the older max_tokens; undefined means no limit. */
  maxTokens: number | undefined;
}

export type ChatValidation = { ok: true; request: ChatRequest } | { ok: false; error: OpenAIErrorBody };

const isRole = (value: unknown): value is ChatRole => ROLES.some((role) => role === value);

/** Checks what OpenAI rejects with a 400, in the order it reports them, worded as it words them. */
export function validateChatRequest(body: unknown): ChatValidation {
  if (!isRecord(body)) return fail(invalidBody(body));
  const modelError = checkModel(body);
  if (modelError) return fail(modelError);
  const parsed = parseMessages(body.messages);
  if ("error" in parsed) return fail(parsed.error);
  const streamError = checkStreaming(body);
  if (streamError) return fail(streamError);
  const maxTokens = readMaxTokens(body);
  if ("error" in maxTokens) return fail(maxTokens.error);
  return {
    ok: true,
    request: {
      model: String(body.model),
      messages: parsed.messages,
      stream: body.stream === true,
      includeUsage: includeUsageOf(body),
      maxTokens: maxTokens.value,
    },
  };
}

/** Reasoning models only take max_completion_tokens, so it is the one that wins when both are set. */
function readMaxTokens(body: Fields): { value: number | undefined } | { error: OpenAIErrorBody } {
  const completionTokens = readOptionalInt(body, "max_completion_tokens", 1);
  if ("error" in completionTokens || completionTokens.value !== undefined) return completionTokens;
  return readOptionalInt(body, "max_tokens", 1);
}

function fail(error: OpenAIErrorBody): ChatValidation {
  return { ok: false, error };
}

function parseMessages(value: unknown): { messages: ChatMessage[] } | { error: OpenAIErrorBody } {
  if (isAbsent(value)) return { error: missingParam("messages") };
  if (!Array.isArray(value)) return { error: invalidType("messages", "an array of objects", value) };
  if (value.length === 0) {
    const message =
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.";
    return { error: openaiError(message, { param: "messages", code: "empty_array" }) };
  }
  const messages: ChatMessage[] = [];
  for (const [index, item] of value.entries()) {
    const parsed = parseMessage(item, `messages[${index}]`);
    if ("error" in parsed) return parsed;
    messages.push(parsed);
  }
  return { messages };
}

function parseMessage(message: unknown, param: string): ChatMessage | { error: OpenAIErrorBody } {
  const error = checkMessage(message, param);
  if (error || !isRecord(message) || !isRole(message.role)) return { error: error ?? missingParam(param) };
  return { role: message.role, content: message.content };
}

function checkMessage(message: unknown, param: string): OpenAIErrorBody | undefined {
  if (!isRecord(message)) return invalidType(param, "an object", message);
  if (isAbsent(message.role)) return missingParam(`${param}.role`);
  if (!isRole(message.role)) {
    return openaiError(
      `Invalid value: '${String(message.role)}'. Supported values are: 'system', 'assistant', 'user', ` +
        "'function', 'tool', and 'developer'.",
      { param: `${param}.role`, code: "invalid_value" },
    );
  }
  // Assistant turns may carry only tool_calls, so their content is optional.
  if (message.role !== "assistant" && isAbsent(message.content)) return missingParam(`${param}.content`);
  if (!isAbsent(message.content) && typeof message.content !== "string" && !Array.isArray(message.content)) {
    return invalidType(`${param}.content`, "one of a string or array of objects", message.content);
  }
  if (message.role === "tool" && isAbsent(message.tool_call_id)) return missingParam(`${param}.tool_call_id`);
  return undefined;
}
