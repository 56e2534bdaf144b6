import { type OpenAIErrorBody, openaiError } from "./openai-errors.js";

/** Parameter checks every OpenAI endpoint shares, worded as OpenAI words them. */

export type Fields = Record<string, unknown>;

export const isRecord = (value: unknown): value is Fields =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** OpenAI treats an explicit null like an omitted optional parameter. */
export const isAbsent = (value: unknown): boolean => value === undefined || value === null;

export function missingParam(param: string): OpenAIErrorBody {
  return openaiError(`Missing required parameter: '${param}'.`, {
    param,
    code: "missing_required_parameter",
  });
}

export function invalidType(param: string, expected: string, value: unknown): OpenAIErrorBody {
  return openaiError(
    `Invalid type for '${param}': expected ${expected}, but got ${describe(value)} instead.`,
    {
      param,
      code: "invalid_type",
    },
  );
}

export function invalidBody(body: unknown): OpenAIErrorBody {
  return openaiError(`Invalid type for request body: expected an object, but got ${describe(body)} instead.`);
}

/** JSON type names as OpenAI's messages use them. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a decimal";
  if (typeof value === "string") return "a string";
  if (typeof value === "boolean") return "a boolean";
  return "an object";
}

export function checkModel(body: Fields): OpenAIErrorBody | undefined {
  if (isAbsent(body.model)) return openaiError("you must provide a model parameter");
  if (typeof body.model !== "string") return invalidType("model", "a string", body.model);
  return undefined;
}

export function checkStreamFlag(body: Fields): OpenAIErrorBody | undefined {
  if (!isAbsent(body.stream) && typeof body.stream !== "boolean") {
    return invalidType("stream", "a boolean", body.stream);
  }
  return undefined;
}

/** stream and stream_options as chat and legacy completions check them. */
export function checkStreaming(body: Fields): OpenAIErrorBody | undefined {
  const flagError = checkStreamFlag(body);
  if (flagError) return flagError;
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

export function includeUsageOf(body: Fields): boolean {
  return isRecord(body.stream_options) && body.stream_options.include_usage === true;
}

/** An optional integer limit such as max_tokens; undefined when it was not given. */
export function readOptionalInt(
  body: Fields,
  param: string,
  min: number,
): { value: number | undefined } | { error: OpenAIErrorBody } {
  const value = body[param];
  if (isAbsent(value)) return { value: undefined };
  if (typeof value !== "number" || !Number.isInteger(value)) {
    return { error: invalidType(param, "an integer", value) };
  }
  if (value < min) {
    const message = `Invalid '${param}': integer below minimum value. Expected a value >= ${min}, but got ${value} instead.`;
    return { error: openaiError(message, { param, code: "integer_below_min_value" }) };
  }
  return { value };
}
