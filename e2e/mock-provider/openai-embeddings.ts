import { countTokens } from "./openai-completion.js";
import { embeddingVector, toBase64Floats } from "./openai-embedding-vector.js";
import { type OpenAIErrorBody, openaiError } from "./openai-errors.js";
import {
  checkModel,
  invalidBody,
  isAbsent,
  isRecord,
  missingParam,
  readOptionalInt,
} from "./openai-params.js";

/** Real models return 1536 or more floats; 8 keeps bodies and assertions readable. */
const DEFAULT_DIMENSIONS = 8;

/** One thing to embed: text, or a pre-tokenised input, which OpenAI also accepts. */
type EmbeddingInput = { text: string } | { tokens: number[] };

export interface EmbeddingRequest {
  model: string;
  inputs: EmbeddingInput[];
  dimensions: number;
  encoding: "float" | "base64";
}

export type EmbeddingValidation =
  | { ok: true; request: EmbeddingRequest }
  | { ok: false; error: OpenAIErrorBody };

/** On the wire the vector is a string when base64 was asked for, which the SDK's type does not allow. */
export interface EmbeddingListBody {
  object: "list";
  data: { object: "embedding"; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

const isTokenArray = (value: unknown): value is number[] =>
  Array.isArray(value) && value.length > 0 && value.every((token) => Number.isInteger(token));

export function validateEmbeddingRequest(body: unknown): EmbeddingValidation {
  if (!isRecord(body)) return { ok: false, error: invalidBody(body) };
  const modelError = checkModel(body);
  if (modelError) return { ok: false, error: modelError };
  if (isAbsent(body.input)) return { ok: false, error: missingParam("input") };
  const inputs = parseInputs(body.input);
  if (!inputs) return { ok: false, error: invalidInput() };
  const format = body.encoding_format ?? "float";
  if (format !== "float" && format !== "base64") {
    const message = `Invalid value: '${String(format)}'. Supported values are: 'float' and 'base64'.`;
    return { ok: false, error: openaiError(message, { param: "encoding_format", code: "invalid_value" }) };
  }
  const dimensions = readOptionalInt(body, "dimensions", 1);
  if ("error" in dimensions) return { ok: false, error: dimensions.error };
  return {
    ok: true,
    request: {
      model: String(body.model),
      inputs,
      dimensions: dimensions.value ?? DEFAULT_DIMENSIONS,
      encoding: format,
    },
  };
}

/** A string, a list of strings, one token array or a list of token arrays; nothing empty. */
function parseInputs(input: unknown): EmbeddingInput[] | undefined {
  if (typeof input === "string") return input === "" ? undefined : [{ text: input }];
  if (isTokenArray(input)) return [{ tokens: input }];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((item) => typeof item === "string" && item !== "")) {
    return input.map((text: string) => ({ text }));
  }
  if (input.every(isTokenArray)) return input.map((tokens: number[]) => ({ tokens }));
  return undefined;
}

function invalidInput(): OpenAIErrorBody {
  return openaiError(
    "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
  );
}

export function embeddingList(request: EmbeddingRequest): EmbeddingListBody {
  const data = request.inputs.map((input, index) => {
    const vector = embeddingVector("text" in input ? input.text : input.tokens.join(","), request.dimensions);
    const embedding = request.encoding === "base64" ? toBase64Floats(vector) : vector;
    return { object: "embedding" as const, index, embedding };
  });
  const tokens = request.inputs.reduce(
    (sum, input) => sum + ("text" in input ? countTokens(input.text) : input.tokens.length),
    0,
  );
  return {
    object: "list",
    data,
    model: request.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
