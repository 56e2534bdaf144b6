import { type BedrockError, bedrockError, validationError } from "./bedrock-errors.js";
import type { JsonBody } from "./recorder.js";

export type Validated<T> = { ok: true; value: T } | { ok: false; error: BedrockError };

/** The parts of an Anthropic Messages body on Bedrock the mock answers from. */
export interface AnthropicInvoke {
  maxTokens: number;
  promptTexts: string[];
  lastUserText: string;
}

/** The parts of a Converse body the mock answers from. */
export interface ConverseInput {
  maxTokens: number | undefined;
  promptTexts: string[];
  lastUserText: string;
}

const ANTHROPIC_VERSION = "bedrock-2023-05-31";
const REQUIRED_ANTHROPIC_KEYS = ["anthropic_version", "max_tokens", "messages"];
// Bedrock takes the model from the path and the streaming choice from the operation, and its
// schema refuses both keys in the body; relays translating from the Anthropic API must drop them.
const FORBIDDEN_ANTHROPIC_KEYS = ["model", "stream"];
const ROLES = ["user", "assistant"];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isPositiveInt = (value: unknown): value is number => Number.isInteger(value) && Number(value) >= 1;
const ok = <T>(value: T): Validated<T> => ({ ok: true, value });
const fail = <T>(error: BedrockError): Validated<T> => ({ ok: false, error });

/** Worded as Bedrock words the JSON-schema errors of a model's native body. */
const malformed = (detail: string) =>
  validationError(`Malformed input request: ${detail}, please reformat your input and try again.`);

export function validateAnthropicInvoke(body: JsonBody): Validated<AnthropicInvoke> {
  if (body.kind !== "json" || !isRecord(body.value)) {
    return fail(validationError("Malformed input request, please reformat your input and try again."));
  }
  const request = body.value;
  const forbidden = FORBIDDEN_ANTHROPIC_KEYS.find((key) => key in request);
  if (forbidden) return fail(malformed(`#: extraneous key [${forbidden}] is not permitted`));
  const missing = REQUIRED_ANTHROPIC_KEYS.find((key) => !(key in request));
  if (missing) return fail(malformed(`#: required key [${missing}] not found`));
  if (request.anthropic_version !== ANTHROPIC_VERSION) {
    return fail(
      malformed(`#/anthropic_version: ${String(request.anthropic_version)} is not a valid enum value`),
    );
  }
  if (!isPositiveInt(request.max_tokens)) {
    return fail(malformed(`#/max_tokens: ${JSON.stringify(request.max_tokens)} is not an integer >= 1`));
  }
  const messages = anthropicMessages(request.messages);
  if ("error" in messages) return fail(messages.error);
  return ok({
    maxTokens: request.max_tokens,
    promptTexts: [anthropicText(request.system), ...messages.texts],
    lastUserText: messages.lastUserText,
  });
}

function anthropicMessages(
  value: unknown,
): { texts: string[]; lastUserText: string } | { error: BedrockError } {
  if (!Array.isArray(value) || value.length === 0) {
    return { error: malformed("#/messages: expected a non-empty array") };
  }
  const texts: string[] = [];
  let lastUserText = "";
  for (const [index, message] of value.entries()) {
    const role = isRecord(message) ? message.role : undefined;
    if (typeof role !== "string" || !ROLES.includes(role)) {
      return { error: malformed(`#/messages/${index}/role: ${String(role)} is not a valid enum value`) };
    }
    const content = isRecord(message) ? message.content : undefined;
    if (typeof content !== "string" && !Array.isArray(content)) {
      return { error: malformed(`#/messages/${index}/content: expected type: String or JSONArray`) };
    }
    const text = anthropicText(content);
    texts.push(text);
    if (role === "user") lastUserText = text;
  }
  return { texts, lastUserText };
}

/** Content (or system) is a string or an array of blocks; only text blocks have text to echo. */
function anthropicText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((block) => (isRecord(block) && typeof block.text === "string" ? block.text : ""))
    .join("");
}

/** Worded as Bedrock words the service-level validation errors of Converse. */
const constraint = (detail: string) => validationError(`1 validation error detected: ${detail}`);

export function validateConverse(body: JsonBody): Validated<ConverseInput> {
  if (body.kind !== "json" || !isRecord(body.value)) {
    return fail(
      bedrockError(400, "SerializationException", "Start of structure or map found where not expected."),
    );
  }
  const request = body.value;
  const messages = converseMessages(request.messages);
  if ("error" in messages) return fail(messages.error);
  const config = isRecord(request.inferenceConfig) ? request.inferenceConfig : {};
  if (config.maxTokens !== undefined && !isPositiveInt(config.maxTokens)) {
    return fail(
      constraint(
        `Value '${String(config.maxTokens)}' at 'inferenceConfig.maxTokens' failed to satisfy constraint: ` +
          "Member must have value greater than or equal to 1",
      ),
    );
  }
  const system = Array.isArray(request.system) ? blockTexts(request.system) : [];
  return ok({
    maxTokens: isPositiveInt(config.maxTokens) ? config.maxTokens : undefined,
    promptTexts: [...system, ...messages.texts],
    lastUserText: messages.lastUserText,
  });
}

function converseMessages(
  value: unknown,
): { texts: string[]; lastUserText: string } | { error: BedrockError } {
  if (!Array.isArray(value)) {
    return {
      error: constraint("Value null at 'messages' failed to satisfy constraint: Member must not be null"),
    };
  }
  const texts: string[] = [];
  let lastUserText = "";
  for (const [index, message] of value.entries()) {
    const parsed = converseMessage(message, index);
    if ("error" in parsed) return parsed;
    texts.push(parsed.text);
    if (parsed.role === "user") lastUserText = parsed.text;
  }
  if (!isRecord(value[0]) || value[0].role !== "user") {
    return {
      error: validationError(
        "A conversation must start with a user message. Try again with a conversation that starts with a user message.",
      ),
    };
  }
  return { texts, lastUserText };
}

function converseMessage(
  message: unknown,
  index: number,
): { role: string; text: string } | { error: BedrockError } {
  const role = isRecord(message) ? message.role : undefined;
  if (typeof role !== "string" || !ROLES.includes(role)) {
    return {
      error: constraint(
        `Value '${String(role)}' at 'messages.${index + 1}.member.role' failed to satisfy constraint: ` +
          "Member must satisfy enum value set: [user, assistant]",
      ),
    };
  }
  const content = isRecord(message) ? message.content : undefined;
  if (!Array.isArray(content) || content.length === 0) {
    return {
      error: validationError(
        `The content field in the Message object at messages.${index}.content is empty. ` +
          "Add a ContentBlock object to the content field and try again.",
      ),
    };
  }
  const untext = content.findIndex((block) => !isRecord(block) || typeof block.text !== "string");
  if (untext >= 0) {
    // Real Converse also takes images, documents and tool blocks; the mock only answers text.
    return {
      error: validationError(`messages.${index}.content.${untext}: the mock accepts only {text} blocks`),
    };
  }
  return { role, text: blockTexts(content).join("") };
}

function blockTexts(blocks: unknown[]): string[] {
  return blocks.map((block) => (isRecord(block) && typeof block.text === "string" ? block.text : ""));
}

/** The parts of a Meta Llama body on Bedrock the mock answers from. */
export interface LlamaInvoke {
  maxTokens: number;
  promptTexts: string[];
  lastUserText: string;
}

/** Llama's inference parameters on Bedrock; its schema refuses any other key. */
const LLAMA_KEYS = new Set(["prompt", "max_gen_len", "temperature", "top_p", "images"]);
/** Bedrock's default for max_gen_len, and the most it takes. */
const LLAMA_DEFAULT_GEN_LEN = 512;
const LLAMA_MAX_GEN_LEN = 2048;

export function validateLlamaInvoke(body: JsonBody): Validated<LlamaInvoke> {
  if (body.kind !== "json" || !isRecord(body.value)) {
    return fail(validationError("Malformed input request, please reformat your input and try again."));
  }
  const request = body.value;
  const extraneous = Object.keys(request).find((key) => !LLAMA_KEYS.has(key));
  if (extraneous) return fail(malformed(`#: extraneous key [${extraneous}] is not permitted`));
  if (typeof request.prompt !== "string") return fail(malformed("#: required key [prompt] not found"));
  const genLen = "max_gen_len" in request ? request.max_gen_len : LLAMA_DEFAULT_GEN_LEN;
  if (!isPositiveInt(genLen) || genLen > LLAMA_MAX_GEN_LEN) {
    return fail(
      malformed(`#/max_gen_len: ${JSON.stringify(genLen)} is not an integer from 1 to ${LLAMA_MAX_GEN_LEN}`),
    );
  }
  return ok({ maxTokens: genLen, promptTexts: [request.prompt], lastUserText: request.prompt });
}
