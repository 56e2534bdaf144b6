import type { GeminiRequest } from "./google-gemini-validate.js";
import { countTokens, type LimitedReply, limitReply, splitReply, textOf } from "./openai-completion.js";
import { randomAlphanumeric } from "./random-id.js";

export interface GeminiUsage {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount: number;
  trafficType: "ON_DEMAND";
}

/** One generateContent response, or one chunk of a stream, as Vertex AI sends it. */
export interface GeminiResponse {
  candidates: {
    content: { role: "model"; parts: { text: string }[] };
    finishReason?: "STOP" | "MAX_TOKENS";
  }[];
  usageMetadata?: GeminiUsage;
  modelVersion: string;
  createTime: string;
  responseId: string;
}

/** Fixed up front so every chunk of one stream carries the same id and time. */
interface GeminiDraft {
  reply: LimitedReply;
  usage: GeminiUsage;
  identity: Pick<GeminiResponse, "modelVersion" | "createTime" | "responseId">;
}

function draft(request: GeminiRequest): GeminiDraft {
  const lastUser = request.contents.findLast((content) => content.role === "user");
  const reply = limitReply(`echo: ${lastUser ? textOf(lastUser.parts) : ""}`, request.maxOutputTokens);
  const prompt =
    countTokens(textOf(systemParts(request.systemInstruction))) +
    request.contents.reduce((sum, content) => sum + countTokens(textOf(content.parts)), 0);
  const candidates = countTokens(reply.text);
  return {
    reply,
    usage: {
      promptTokenCount: prompt,
      candidatesTokenCount: candidates,
      totalTokenCount: prompt + candidates,
      trafficType: "ON_DEMAND",
    },
    identity: {
      modelVersion: request.model,
      createTime: new Date().toISOString(),
      responseId: randomAlphanumeric(22),
    },
  };
}

/** systemInstruction is a Content ({parts}); a bare string is tolerated as the SDKs send one too. */
function systemParts(instruction: unknown): unknown {
  if (typeof instruction === "object" && instruction !== null && "parts" in instruction)
    return instruction.parts;
  return instruction;
}

function finishReasonOf(reply: LimitedReply): "STOP" | "MAX_TOKENS" {
  return reply.truncated ? "MAX_TOKENS" : "STOP";
}

export function generateContentResponse(request: GeminiRequest): GeminiResponse {
  const { reply, usage, identity } = draft(request);
  return {
    candidates: [
      { content: { role: "model", parts: [{ text: reply.text }] }, finishReason: finishReasonOf(reply) },
    ],
    usageMetadata: usage,
    ...identity,
  };
}

/** Partial responses of a few words each; only the last has the finish reason and the usage. */
export function generateContentChunks(request: GeminiRequest): GeminiResponse[] {
  const { reply, usage, identity } = draft(request);
  const pieces = splitReply(reply.text);
  return pieces.map((text, index) => {
    const last = index === pieces.length - 1;
    return {
      candidates: [
        {
          content: { role: "model", parts: [{ text }] },
          ...(last ? { finishReason: finishReasonOf(reply) } : {}),
        },
      ],
      ...(last ? { usageMetadata: usage } : {}),
      ...identity,
    };
  });
}
