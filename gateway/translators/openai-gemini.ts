import { randomBytes } from "node:crypto";
import { badRequest } from "../errors.js";
import type { InboundRequest, StreamTranslator, Translator, Usage } from "../pipeline/types.js";
import { SseParser } from "../streaming/sse-parser.js";
import { vertexModelCall } from "./anthropic-vertex.js";
import { numberAt, objectAt, parseJsonObject } from "./json-body.js";

/**
 * OpenAI chat completions to Gemini on Vertex AI (publishers/google generateContent).
 * Text conversations only: tools and images are refused with a clear 400 rather than
 * silently dropped.
 */
type Part = { text: string };
type Content = { role: "user" | "model"; parts: Part[] };

function textOf(content: unknown, index: number): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((p) => {
        if (p && typeof p === "object" && (p as { type?: unknown }).type === "text")
          return String((p as { text?: unknown }).text ?? "");
        throw badRequest(
          `messages[${index}]: only text content can be sent to a Gemini model`,
          `messages[${index}].content`,
        );
      })
      .join("");
  }
  throw badRequest(`messages[${index}].content must be a string or text parts`, `messages[${index}].content`);
}

function toGemini(body: Record<string, unknown>): Record<string, unknown> {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const system: Part[] = [];
  const contents: Content[] = [];
  messages.forEach((m: unknown, i) => {
    const role = (m as { role?: unknown }).role;
    const text = textOf((m as { content?: unknown }).content, i);
    if (role === "system" || role === "developer") system.push({ text });
    else if (role === "user" || role === "assistant")
      contents.push({ role: role === "user" ? "user" : "model", parts: [{ text }] });
    else
      throw badRequest(
        `messages[${i}]: role ${String(role)} cannot be sent to a Gemini model`,
        `messages[${i}].role`,
      );
  });
  const stop = body.stop;
  const generationConfig: Record<string, unknown> = {
    ...(typeof body.temperature === "number" ? { temperature: body.temperature } : {}),
    ...(typeof body.top_p === "number" ? { topP: body.top_p } : {}),
    ...(typeof (body.max_completion_tokens ?? body.max_tokens) === "number"
      ? { maxOutputTokens: body.max_completion_tokens ?? body.max_tokens }
      : {}),
    ...(typeof stop === "string"
      ? { stopSequences: [stop] }
      : Array.isArray(stop)
        ? { stopSequences: stop }
        : {}),
  };
  return {
    contents,
    ...(system.length > 0 ? { systemInstruction: { parts: system } } : {}),
    ...(Object.keys(generationConfig).length > 0 ? { generationConfig } : {}),
  };
}

const finishReason = (r: unknown) =>
  r === "MAX_TOKENS" ? "length" : r === "SAFETY" || r === "PROHIBITED_CONTENT" ? "content_filter" : "stop";

function geminiUsage(doc: Record<string, unknown> | undefined): Usage | undefined {
  const meta = objectAt(doc, "usageMetadata");
  const input = numberAt(meta, "promptTokenCount");
  return input === undefined
    ? undefined
    : { inputTokens: input, outputTokens: numberAt(meta, "candidatesTokenCount") ?? 0 };
}

function candidate(doc: Record<string, unknown> | undefined): { text: string; finish: unknown } {
  const first = Array.isArray(doc?.candidates)
    ? (doc.candidates[0] as Record<string, unknown> | undefined)
    : undefined;
  const parts = objectAt(first, "content")?.parts;
  const text = Array.isArray(parts)
    ? parts.map((p) => String((p as { text?: unknown }).text ?? "")).join("")
    : "";
  return { text, finish: first?.finishReason };
}

const openaiUsage = (u: Usage) => ({
  prompt_tokens: u.inputTokens,
  completion_tokens: u.outputTokens,
  total_tokens: u.inputTokens + u.outputTokens,
});
const sse = (doc: unknown) => Buffer.from(`data: ${JSON.stringify(doc)}\n\n`);

class GeminiToOpenAIStream implements StreamTranslator {
  readonly contentType = "text/event-stream; charset=utf-8";
  readonly upstreamContentType = "text/event-stream";
  private readonly parser = new SseParser();
  private readonly id = `chatcmpl-${randomBytes(12).toString("hex")}`;
  private readonly created = Math.floor(Date.now() / 1000);
  private started = false;
  private seen: Usage | undefined;

  constructor(private readonly inbound: InboundRequest) {}

  private chunk(delta: Record<string, unknown>, finish: string | null): Buffer {
    return sse({
      id: this.id,
      object: "chat.completion.chunk",
      created: this.created,
      model: this.inbound.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
  }

  push(bytes: Uint8Array): Uint8Array[] {
    const out: Buffer[] = [];
    for (const event of this.parser.push(bytes)) {
      const doc = parseJsonObject(event.data);
      this.seen = geminiUsage(doc) ?? this.seen;
      const { text, finish } = candidate(doc);
      if (!this.started) {
        out.push(this.chunk({ role: "assistant", content: "" }, null));
        this.started = true;
      }
      if (text) out.push(this.chunk({ content: text }, null));
      if (finish) out.push(this.chunk({}, finishReason(finish)));
    }
    return out;
  }

  end(): Uint8Array[] {
    const out: Buffer[] = [];
    const asked = objectAt(this.inbound.body, "stream_options")?.include_usage === true;
    if (asked && this.seen) {
      out.push(
        sse({
          id: this.id,
          object: "chat.completion.chunk",
          created: this.created,
          model: this.inbound.model,
          choices: [],
          usage: openaiUsage(this.seen),
        }),
      );
    }
    out.push(Buffer.from("data: [DONE]\n\n"));
    return out;
  }

  usage(): Usage | undefined {
    return this.seen;
  }
}

export const openaiToGeminiTranslator: Translator = {
  request(inbound, target) {
    const method = inbound.stream ? "streamGenerateContent?alt=sse" : "generateContent";
    return vertexModelCall(target, "google", method, toGemini(inbound.body), inbound.stream);
  },
  response(reply, inbound) {
    const { doc } = reply;
    const usage = geminiUsage(doc);
    const { text, finish } = candidate(doc);
    const completion = {
      id: `chatcmpl-${randomBytes(12).toString("hex")}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: inbound.model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: text, refusal: null },
          logprobs: null,
          finish_reason: finishReason(finish),
        },
      ],
      ...(usage ? { usage: openaiUsage(usage) } : {}),
    };
    return { body: JSON.stringify(completion), usage };
  },
  stream(inbound) {
    return new GeminiToOpenAIStream(inbound);
  },
};
