import { type AnthropicErrorBody, invalidRequest } from "./anthropic-errors.js";

export interface AnthropicMessage {
  role: "user" | "assistant";
  /** A string or a list of content blocks; only text blocks have anything to echo. */
  content: unknown;
}

export interface MessagesRequest {
  model: string;
  /** Undefined only for count_tokens, which takes no limit. */
  maxTokens: number | undefined;
  messages: AnthropicMessage[];
  system: unknown;
  stream: boolean;
}

export type MessagesValidation =
  | { ok: true; request: MessagesRequest }
  | { ok: false; error: AnthropicErrorBody };

/**
 * Direct calls name the model in the body. Vertex names it in the URL and instead requires its
 * own anthropic_version in the body; each refuses the other's field, so a relay that forwards one
 * provider's body to the other is caught.
 */
export type MessagesFlavor =
  | { kind: "direct"; apiVersion: string; countOnly?: boolean }
  | { kind: "vertex"; model: string };

export const VERTEX_ANTHROPIC_VERSION = "vertex-2023-10-16";

// API version 2026-10-21 removed the sampling parameters: sending one is a 400 even at its default.
const SAMPLING_REMOVED_IN = "2026-10-21";
const SAMPLING_PARAMS = ["temperature", "top_p", "top_k"];

type Fields = Record<string, unknown>;

const isRecord = (value: unknown): value is Fields =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Checks what Anthropic rejects with a 400, worded in its "field: problem" style. */
export function validateMessagesRequest(body: unknown, flavor: MessagesFlavor): MessagesValidation {
  if (!isRecord(body)) return fail("Input should be a valid dictionary");
  const model = checkModelFields(body, flavor);
  if ("error" in model) return fail(model.error);
  const removed = flavor.kind === "direct" ? removedParam(body, flavor.apiVersion) : undefined;
  if (removed !== undefined) return fail(`${removed}: Extra inputs are not permitted`);
  const countOnly = flavor.kind === "direct" && flavor.countOnly === true;
  const maxTokens = countOnly ? { value: undefined } : readMaxTokens(body.max_tokens);
  if ("error" in maxTokens) return fail(maxTokens.error);
  const messages = parseMessages(body.messages);
  if ("error" in messages) return fail(messages.error);
  if (body.system !== undefined && typeof body.system !== "string" && !Array.isArray(body.system)) {
    return fail("system: Input should be a valid string");
  }
  if (body.stream !== undefined && typeof body.stream !== "boolean") {
    return fail("stream: Input should be a valid boolean");
  }
  return {
    ok: true,
    request: {
      model: model.value,
      maxTokens: maxTokens.value,
      messages: messages.value,
      system: body.system,
      stream: body.stream === true && !countOnly,
    },
  };
}

function fail(message: string): MessagesValidation {
  return { ok: false, error: invalidRequest(message) };
}

function checkModelFields(body: Fields, flavor: MessagesFlavor): { value: string } | { error: string } {
  if (flavor.kind === "vertex") {
    if (body.anthropic_version === undefined) return { error: "anthropic_version: Field required" };
    if (body.anthropic_version !== VERTEX_ANTHROPIC_VERSION) {
      return { error: `anthropic_version: Input should be '${VERTEX_ANTHROPIC_VERSION}'` };
    }
    if (body.model !== undefined) return { error: "model: Extra inputs are not permitted" };
    return { value: flavor.model };
  }
  if (body.anthropic_version !== undefined)
    return { error: "anthropic_version: Extra inputs are not permitted" };
  if (body.model === undefined) return { error: "model: Field required" };
  if (typeof body.model !== "string") return { error: "model: Input should be a valid string" };
  return { value: body.model };
}

/** Versions are ISO dates, so comparing them as strings orders them in time. */
function removedParam(body: Fields, apiVersion: string): string | undefined {
  if (apiVersion < SAMPLING_REMOVED_IN) return undefined;
  return SAMPLING_PARAMS.find((param) => body[param] !== undefined);
}

function readMaxTokens(value: unknown): { value: number } | { error: string } {
  if (value === undefined) return { error: "max_tokens: Field required" };
  if (typeof value !== "number" || !Number.isInteger(value)) {
    return { error: "max_tokens: Input should be a valid integer" };
  }
  if (value < 1) return { error: "max_tokens: Input should be greater than or equal to 1" };
  return { value };
}

function parseMessages(value: unknown): { value: AnthropicMessage[] } | { error: string } {
  if (value === undefined) return { error: "messages: Field required" };
  if (!Array.isArray(value)) return { error: "messages: Input should be a valid list" };
  if (value.length === 0) return { error: "messages: at least one message is required" };
  const messages: AnthropicMessage[] = [];
  for (const [index, item] of value.entries()) {
    const parsed = parseMessage(item, `messages.${index}`);
    if ("error" in parsed) return parsed;
    const previous = messages.at(-1);
    if (previous === undefined && parsed.role !== "user") {
      return { error: 'messages: first message must use the "user" role' };
    }
    if (previous?.role === parsed.role) {
      return {
        error: `messages: roles must alternate between "user" and "assistant", but found multiple "${parsed.role}" roles in a row`,
      };
    }
    messages.push(parsed);
  }
  return { value: messages };
}

function parseMessage(item: unknown, path: string): AnthropicMessage | { error: string } {
  if (!isRecord(item)) return { error: `${path}: Input should be a valid dictionary` };
  if (item.role !== "user" && item.role !== "assistant") {
    return { error: `${path}.role: Input should be 'user' or 'assistant'` };
  }
  const contentError = checkContent(item.content, `${path}.content`);
  if (contentError) return { error: contentError };
  return { role: item.role, content: item.content };
}

function checkContent(content: unknown, path: string): string | undefined {
  if (content === undefined) return `${path}: Field required`;
  if (typeof content === "string") {
    return content === "" ? `${path}: text content blocks must be non-empty` : undefined;
  }
  if (!Array.isArray(content)) return `${path}: Input should be a valid list`;
  for (const [index, block] of content.entries()) {
    if (!isRecord(block) || typeof block.type !== "string") return `${path}.${index}.type: Field required`;
    if (block.type === "text" && typeof block.text !== "string")
      return `${path}.${index}.text: Field required`;
  }
  return undefined;
}
