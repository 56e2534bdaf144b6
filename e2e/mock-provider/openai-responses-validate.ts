import { type OpenAIErrorBody, openaiError } from "./openai-errors.js";
import {
  checkModel,
  checkStreamFlag,
  type Fields,
  invalidBody,
  invalidType,
  isAbsent,
  isRecord,
  missingParam,
  readOptionalInt,
} from "./openai-params.js";

const ROLES = ["user", "assistant", "system", "developer"] as const;
type InputRole = (typeof ROLES)[number];

/** A message among the input items; other items (tool outputs, reasoning) carry nothing to echo. */
export interface InputMessage {
  role: InputRole;
  content: unknown;
}

export interface ResponsesRequest {
  model: string;
  messages: InputMessage[];
  instructions: string | null;
  stream: boolean;
  maxOutputTokens: number | undefined;
}

export type ResponsesValidation =
  | { ok: true; request: ResponsesRequest }
  | { ok: false; error: OpenAIErrorBody };

const isRole = (value: unknown): value is InputRole => ROLES.some((role) => role === value);

// OpenAI refuses limits this small for the Responses API, unlike chat completions.
const MIN_OUTPUT_TOKENS = 16;

export function validateResponsesRequest(body: unknown): ResponsesValidation {
  if (!isRecord(body)) return { ok: false, error: invalidBody(body) };
  const modelError = checkModel(body);
  if (modelError) return { ok: false, error: modelError };
  const messages = parseInput(body.input);
  if ("error" in messages) return { ok: false, error: messages.error };
  const otherError = checkOptionalFields(body);
  if (otherError) return { ok: false, error: otherError };
  const maxOutputTokens = readOptionalInt(body, "max_output_tokens", MIN_OUTPUT_TOKENS);
  if ("error" in maxOutputTokens) return { ok: false, error: maxOutputTokens.error };
  return {
    ok: true,
    request: {
      model: String(body.model),
      messages: messages.value,
      instructions: typeof body.instructions === "string" ? body.instructions : null,
      stream: body.stream === true,
      maxOutputTokens: maxOutputTokens.value,
    },
  };
}

function checkOptionalFields(body: Fields): OpenAIErrorBody | undefined {
  if (!isAbsent(body.instructions) && typeof body.instructions !== "string") {
    return invalidType("instructions", "a string", body.instructions);
  }
  return checkStreamFlag(body);
}

/** A string is one user message; a list holds messages and other typed items. */
function parseInput(input: unknown): { value: InputMessage[] } | { error: OpenAIErrorBody } {
  if (isAbsent(input)) return { error: missingParam("input") };
  if (typeof input === "string") return { value: [{ role: "user", content: input }] };
  if (!Array.isArray(input)) return { error: invalidType("input", "one of a string or array", input) };
  const messages: InputMessage[] = [];
  for (const [index, item] of input.entries()) {
    const param = `input[${index}]`;
    if (!isRecord(item)) return { error: invalidType(param, "an object", item) };
    if (isAbsent(item.role)) {
      if (typeof item.type !== "string") return { error: missingParam(`${param}.type`) };
      continue;
    }
    const error = checkMessage(item, param);
    if (error) return { error };
    if (isRole(item.role)) messages.push({ role: item.role, content: item.content });
  }
  return { value: messages };
}

function checkMessage(item: Fields, param: string): OpenAIErrorBody | undefined {
  if (!isRole(item.role)) {
    return openaiError(
      `Invalid value: '${String(item.role)}'. Supported values are: 'assistant', 'system', 'developer', and 'user'.`,
      { param: `${param}.role`, code: "invalid_value" },
    );
  }
  if (isAbsent(item.content)) return missingParam(`${param}.content`);
  if (typeof item.content !== "string" && !Array.isArray(item.content)) {
    return invalidType(`${param}.content`, "one of a string or array of objects", item.content);
  }
  return undefined;
}
