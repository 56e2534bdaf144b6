import type { ChatCompletion, ChatCompletionChunk } from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";
import type { ChatMessage, ChatRequest } from "./openai-validate.js";
import { randomAlphanumeric } from "./random-id.js";

const SYSTEM_FINGERPRINT = "fp_mock00001";

/** Fixed per response so every chunk of one stream carries the same id, as OpenAI's do. */
export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
}

export function newIdentity(model: string): CompletionIdentity {
  return { id: `chatcmpl-${randomAlphanumeric(29)}`, created: Math.floor(Date.now() / 1000), model };
}

/** Deterministic so tests can assert the exact text that came back through a relay. */
export function replyFor(messages: readonly ChatMessage[]): string {
  const lastUser = messages.findLast((m) => m.role === "user");
  return `echo: ${lastUser ? textOf(lastUser.content) : ""}`;
}

/** Content is a string or an array of parts; only text parts have anything to echo. */
export function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part: unknown) =>
      typeof part === "object" && part !== null && "text" in part && typeof part.text === "string"
        ? part.text
        : "",
    )
    .join("");
}

/** Word-sized pieces that join back to the exact reply, so a stream has several content chunks. */
export function splitReply(reply: string): string[] {
  return reply.match(/\s*\S+|\s+$/g) ?? [];
}

/** The reply as a model out of tokens would leave it, so limits a relay forwards are observable. */
export interface LimitedReply {
  text: string;
  truncated: boolean;
}

export function limitReply(reply: string, maxTokens: number | undefined): LimitedReply {
  const pieces = splitReply(reply);
  if (maxTokens === undefined || pieces.length <= maxTokens) return { text: reply, truncated: false };
  return { text: pieces.slice(0, maxTokens).join(""), truncated: true };
}

/** A word counts as a token: not OpenAI's tokenizer, but stable and easy to assert. */
export function countTokens(text: string): number {
  return text.split(/\s+/).filter((word) => word !== "").length;
}

export function usageFor(messages: readonly ChatMessage[], reply: string): CompletionUsage {
  // OpenAI charges a few tokens of framing per message; 4 keeps the numbers plausible.
  const prompt = messages.reduce((sum, m) => sum + 4 + countTokens(textOf(m.content)), 0);
  const completion = countTokens(reply);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

export function chatCompletion(request: ChatRequest, identity: CompletionIdentity): ChatCompletion {
  const { text: reply, truncated } = limitReply(replyFor(request.messages), request.maxTokens);
  return {
    ...identity,
    object: "chat.completion",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: reply, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: truncated ? "length" : "stop",
      },
    ],
    usage: usageFor(request.messages, reply),
    service_tier: "default",
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
}

/** The chunk sequence OpenAI sends: role, content pieces, stop, then usage if asked for. */
export function chatCompletionChunks(
  request: ChatRequest,
  identity: CompletionIdentity,
): ChatCompletionChunk[] {
  const { text: reply, truncated } = limitReply(replyFor(request.messages), request.maxTokens);
  // With include_usage OpenAI puts "usage": null on every chunk but the last.
  const usageField = request.includeUsage ? { usage: null } : {};
  const chunk = (
    delta: ChatCompletionChunk.Choice.Delta,
    finishReason: ChatCompletionChunk.Choice["finish_reason"],
  ): ChatCompletionChunk => ({
    ...identity,
    object: "chat.completion.chunk",
    service_tier: "default",
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...usageField,
  });

  const chunks = [
    chunk({ role: "assistant", content: "", refusal: null }, null),
    ...splitReply(reply).map((piece) => chunk({ content: piece }, null)),
    chunk({}, truncated ? "length" : "stop"),
  ];
  if (request.includeUsage) {
    chunks.push({
      ...identity,
      object: "chat.completion.chunk",
      service_tier: "default",
      system_fingerprint: SYSTEM_FINGERPRINT,
      choices: [],
      usage: usageFor(request.messages, reply),
    });
  }
  return chunks;
}
