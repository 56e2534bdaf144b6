import { type OpenAIErrorBody, openaiError } from "./openai-errors.js";

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
}

export type ChatValidation = { ok: true; request: ChatRequest } | { ok: false; error: OpenAIErrorBody };

type Fields = Record<string, unknown>;

const isRecord = (value: unknown): value is Fields =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isRole = (value: unknown): value is ChatRole => ROLES.some((role) => role === value);

/** OpenAI treats an explicit null like an omitted optional parameter. */
const isAbsent = (value: unknown): boolean => value === undefined || value === null;

/** Checks what OpenAI rejects with a 400, in the order it reports them, worded as it words them. */
export function validateChatRequest(body: unknown): ChatValidation {
  if (!isRecord(body)) {
    return fail(
      openaiError(`Invalid type for request body: expected an object, but got ${describe(body)} instead.`),
    );
  }
  const modelError = checkModel(body);
  if (modelError) return fail(modelError);
  const parsed = parseMessages(body.messages);
  if ("error" in parsed) return fail(parsed.error);
  const streamError = checkStreaming(body);
  if (streamError) return fail(streamError);
  return {
    ok: true,
    request: {
      model: String(body.model),
      messages: parsed.messages,
      stream: body.stream === true,
      includeUsage: isRecord(body.stream_options) && body.stream_options.include_usage === true,
    },
  };
}

function fail(error: OpenAIErrorBody): ChatValidation {
  return { ok: false, error };
}

function checkModel(body: Fields): OpenAIErrorBody | undefined {
  if (isAbsent(body.model)) return openaiError("you must provide a model parameter");
  if (typeof body.model !== "string") return invalidType("model", "a string", body.model);
  return undefined;
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

function checkStreaming(body: Fields): OpenAIErrorBody | undefined {
  if (!isAbsent(body.stream) && typeof body.stream !== "boolean") {
    return invalidType("stream", "a boolean", body.stream);
  }
  if (isAbsent(body.stream_options)) return undefined;
  // A relay that adds include_usage for metering must not add it to non-streaming calls.
  if (body.stream !== true) {
    return openaiError("The 'stream_options' parameter is only allowed when 'stream' is enabled.", {
      param: "stream_options",
    });
  }
  if (!isRecord(body.stream_options)) return invalidType("stream_options", "an object", body.stream_options);
  const includeUsage = body.stream_options.include_usage;
  if (!isAbsent(includeUsage) && typeof includeUsage !== "boolean") {
    return invalidType("stream_options.include_usage", "a boolean", includeUsage);
  }
  return undefined;
}

function missingParam(param: string): OpenAIErrorBody {
  return openaiError(`Missing required parameter: '${param}'.`, {
    param,
    code: "missing_required_parameter",
  });
}

function invalidType(param: string, expected: string, value: unknown): OpenAIErrorBody {
  return openaiError(
    `Invalid type for '${param}': expected ${expected}, but got ${describe(value)} instead.`,
    {
      param,
      code: "invalid_type",
    },
  );
}

/** JSON type names as OpenAI's messages use them. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a decimal";
  if (typeof value === "string") return "a string";
  if (typeof value === "boolean") return "a boolean";
  return "an object";
}
