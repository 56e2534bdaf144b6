import { type GoogleErrorBody, invalidArgument } from "./google-errors.js";

export interface GeminiContent {
  role: "user" | "model";
  parts: unknown[];
}

export interface GeminiRequest {
  model: string;
  contents: GeminiContent[];
  systemInstruction: unknown;
  maxOutputTokens: number | undefined;
}

export type GeminiValidation = { ok: true; request: GeminiRequest } | { ok: false; error: GoogleErrorBody };

type Fields = Record<string, unknown>;

const isRecord = (value: unknown): value is Fields =>
  typeof value === "object" && value !== null && !Array.isArray(value);

// Proto JSON accepts a field by its lowerCamel or its original snake_case name and nothing else,
// so an OpenAI- or Anthropic-shaped body forwarded here fails on its first foreign field.
const KNOWN_FIELDS = new Set(
  [
    ["contents"],
    ["systemInstruction", "system_instruction"],
    ["generationConfig", "generation_config"],
    ["safetySettings", "safety_settings"],
    ["tools"],
    ["toolConfig", "tool_config"],
    ["labels"],
    ["cachedContent", "cached_content"],
  ].flat(),
);

export function validateGeminiRequest(body: unknown, model: string): GeminiValidation {
  if (!isRecord(body)) return fail("Invalid JSON payload received. Expected an object.");
  const unknown = Object.keys(body).find((field) => !KNOWN_FIELDS.has(field));
  if (unknown !== undefined)
    return fail(`Invalid JSON payload received. Unknown name "${unknown}": Cannot find field.`);
  const contents = parseContents(body.contents);
  if ("error" in contents) return fail(contents.error);
  const maxOutputTokens = readMaxOutputTokens(body.generationConfig ?? body.generation_config);
  if ("error" in maxOutputTokens) return fail(maxOutputTokens.error);
  return {
    ok: true,
    request: {
      model,
      contents: contents.value,
      systemInstruction: body.systemInstruction ?? body.system_instruction,
      maxOutputTokens: maxOutputTokens.value,
    },
  };
}

function fail(message: string): GeminiValidation {
  return { ok: false, error: invalidArgument(message) };
}

function parseContents(value: unknown): { value: GeminiContent[] } | { error: string } {
  if (!Array.isArray(value) || value.length === 0) {
    return { error: "Unable to submit request because it must have at least one contents field." };
  }
  const contents: GeminiContent[] = [];
  for (const item of value) {
    if (!isRecord(item)) return { error: "Invalid JSON payload received. Expected an object in contents." };
    // A single-turn request may leave out the role; Gemini then takes the turn as the user's.
    const role = item.role ?? "user";
    if (role !== "user" && role !== "model") return { error: "Please use a valid role: user, model." };
    if (!Array.isArray(item.parts) || item.parts.length === 0) {
      return {
        error:
          "Unable to submit request because it has an empty parts field. Add at least one part to each contents field.",
      };
    }
    if (!item.parts.every(isRecord))
      return { error: "Invalid JSON payload received. Expected an object in parts." };
    contents.push({ role, parts: item.parts });
  }
  return { value: contents };
}

function readMaxOutputTokens(config: unknown): { value: number | undefined } | { error: string } {
  if (config === undefined) return { value: undefined };
  if (!isRecord(config))
    return { error: "Invalid JSON payload received. Expected an object in generationConfig." };
  const value = config.maxOutputTokens ?? config.max_output_tokens;
  if (value === undefined) return { value: undefined };
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    return { error: "max_output_tokens must be a positive integer." };
  }
  return { value };
}
