import type { Completion, CompletionChoice, CompletionUsage } from "openai/resources/completions";
import { countTokens, limitReply, splitReply } from "./openai-completion.js";
import type { OpenAIErrorBody } from "./openai-errors.js";
import {
  checkModel,
  checkStreaming,
  includeUsageOf,
  invalidBody,
  invalidType,
  isAbsent,
  isRecord,
  missingParam,
  readOptionalInt,
} from "./openai-params.js";
import { randomAlphanumeric } from "./random-id.js";

/** The legacy /v1/completions API: a prompt in, a text continuation out. */
export interface TextCompletionRequest {
  model: string;
  prompt: string;
  stream: boolean;
  includeUsage: boolean;
  maxTokens: number | undefined;
}

export type TextCompletionValidation =
  | { ok: true; request: TextCompletionRequest }
  | { ok: false; error: OpenAIErrorBody };

/**
 * OpenAI also takes token arrays and batches of prompts here; the mock takes one string, which
 * is all a relay needs to be tested with, and says so with a 400 rather than answering wrongly.
 */
export function validateTextCompletionRequest(body: unknown): TextCompletionValidation {
  if (!isRecord(body)) return { ok: false, error: invalidBody(body) };
  const modelError = checkModel(body);
  if (modelError) return { ok: false, error: modelError };
  if (isAbsent(body.prompt)) return { ok: false, error: missingParam("prompt") };
  if (typeof body.prompt !== "string") {
    return { ok: false, error: invalidType("prompt", "a string", body.prompt) };
  }
  const streamError = checkStreaming(body);
  if (streamError) return { ok: false, error: streamError };
  const maxTokens = readOptionalInt(body, "max_tokens", 1);
  if ("error" in maxTokens) return { ok: false, error: maxTokens.error };
  return {
    ok: true,
    request: {
      model: String(body.model),
      prompt: body.prompt,
      stream: body.stream === true,
      includeUsage: includeUsageOf(body),
      maxTokens: maxTokens.value,
    },
  };
}

interface TextCompletionIdentity {
  id: string;
  created: number;
  model: string;
}

function newIdentity(model: string): TextCompletionIdentity {
  return { id: `cmpl-${randomAlphanumeric(29)}`, created: Math.floor(Date.now() / 1000), model };
}

function usageOf(request: TextCompletionRequest, text: string): CompletionUsage {
  const prompt = countTokens(request.prompt);
  const completion = countTokens(text);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

export function textCompletion(request: TextCompletionRequest): Completion {
  const { text, truncated } = limitReply(`echo: ${request.prompt}`, request.maxTokens);
  return {
    ...newIdentity(request.model),
    object: "text_completion",
    choices: [{ index: 0, text, logprobs: null, finish_reason: truncated ? "length" : "stop" }],
    usage: usageOf(request, text),
  };
}

// The SDK reuses Completion for chunks, but on the wire a chunk's finish_reason and usage are null
// until the end.
type StreamChoice = Omit<CompletionChoice, "finish_reason"> & {
  finish_reason: CompletionChoice["finish_reason"] | null;
};
export type TextCompletionChunk = Omit<Completion, "choices" | "usage"> & {
  choices: StreamChoice[];
  usage?: CompletionUsage | null;
};

/** Text pieces, then an empty piece carrying finish_reason, then usage if asked for, as OpenAI streams. */
export function textCompletionChunks(request: TextCompletionRequest): TextCompletionChunk[] {
  const identity = newIdentity(request.model);
  const { text, truncated } = limitReply(`echo: ${request.prompt}`, request.maxTokens);
  const usageField = request.includeUsage ? { usage: null } : {};
  const chunk = (piece: string, finishReason: StreamChoice["finish_reason"]): TextCompletionChunk => ({
    ...identity,
    object: "text_completion",
    choices: [{ index: 0, text: piece, logprobs: null, finish_reason: finishReason }],
    ...usageField,
  });

  const chunks = [
    ...splitReply(text).map((piece) => chunk(piece, null)),
    chunk("", truncated ? "length" : "stop"),
  ];
  if (request.includeUsage) {
    chunks.push({ ...identity, object: "text_completion", choices: [], usage: usageOf(request, text) });
  }
  return chunks;
}
