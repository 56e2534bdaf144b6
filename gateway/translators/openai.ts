import type { ProviderName } from "../../common/schemas/provider-key.js";
import type { InboundRequest, StreamTranslator, Target, Translator, Usage } from "../pipeline/types.js";
import { SseParser } from "../streaming/sse-parser.js";
import { numberAt, objectAt, parseJsonObject } from "./json-body.js";
import { openaiEndpoint } from "./openai-endpoint.js";

/** Usage from any OpenAI shape: chat/completions/embeddings (prompt/completion) or Responses (input/output). */
export function openaiUsage(doc: Record<string, unknown> | undefined): Usage | undefined {
  const usage = objectAt(doc, "usage");
  if (!usage) return undefined;
  const input = numberAt(usage, "prompt_tokens") ?? numberAt(usage, "input_tokens") ?? 0;
  const output = numberAt(usage, "completion_tokens") ?? numberAt(usage, "output_tokens") ?? 0;
  return { inputTokens: input, outputTokens: output };
}

/** Whether we must ask for the usage chunk the caller did not request (and then hide it). */
function injectsUsage(inbound: InboundRequest): boolean {
  if (!inbound.stream || (inbound.operation !== "chat" && inbound.operation !== "completions")) return false;
  return objectAt(inbound.body, "stream_options")?.include_usage !== true;
}

/**
 * A chat cap the gateway added goes in `max_completion_tokens` (OpenAI's reasoning models
 * refuse `max_tokens`); OpenAI-compatible servers get it as `max_tokens`, the field every one
 * of them knows (some refuse the newer name). A cap the caller chose stays where it was put.
 */
function withAddedCapField(inbound: InboundRequest, provider: ProviderName): Record<string, unknown> {
  if (!inbound.outputCapAdded || inbound.operation !== "chat" || provider !== "openai-compatible") {
    return inbound.body;
  }
  const { max_completion_tokens: cap, ...rest } = inbound.body;
  return { ...rest, max_tokens: cap };
}

function upstreamBody(inbound: InboundRequest, target: Target): Record<string, unknown> {
  const body: Record<string, unknown> = {
    ...withAddedCapField(inbound, target.provider.provider),
    model: target.model,
  };
  if (injectsUsage(inbound)) {
    body.stream_options = { ...objectAt(inbound.body, "stream_options"), include_usage: true };
  }
  return body;
}

class OpenAIStream implements StreamTranslator {
  readonly contentType = "text/event-stream; charset=utf-8";
  readonly upstreamContentType = "text/event-stream";
  private readonly parser = new SseParser();
  private seen: Usage | undefined;

  constructor(private readonly hideUsageChunk: boolean) {}

  push(chunk: Uint8Array): Uint8Array[] {
    return this.parser.push(chunk).flatMap((e) => this.forward(e.data, e.raw));
  }

  end(): Uint8Array[] {
    const tail = this.parser.flush();
    return tail ? this.forward(tail.data, tail.raw) : [];
  }

  usage(): Usage | undefined {
    return this.seen;
  }

  private forward(data: string, raw: Buffer): Uint8Array[] {
    // Usage is a count of `*_tokens`: an event without that text has none, and is not parsed.
    // (An upstream that spells the key with escapes only loses itself its exact count: a stream
    // without usage is billed by the gateway's estimate.)
    if (!data.startsWith("{") || !data.includes('_tokens"')) return [raw];
    const doc = parseJsonObject(data);
    // Responses API streams carry usage inside response.completed's response object.
    const usage = openaiUsage(doc) ?? openaiUsage(objectAt(doc, "response"));
    if (!usage) return [raw];
    this.seen = usage;
    const choices = doc?.choices;
    const usageOnly = Array.isArray(choices) && choices.length === 0;
    return this.hideUsageChunk && usageOnly ? [] : [raw];
  }
}

/** OpenAI-shaped operations to OpenAI, OpenAI-compatible and Azure OpenAI upstreams. */
export const openaiTranslator: Translator = {
  async request(inbound, target) {
    const { url, headers } = openaiEndpoint(target.provider, inbound.operation, target.model);
    return {
      url,
      method: "POST",
      headers: {
        ...headers,
        "content-type": "application/json",
        accept: inbound.stream ? "text/event-stream" : "application/json",
      },
      body: JSON.stringify(upstreamBody(inbound, target)),
    };
  },
  response(reply) {
    return { body: reply.text, usage: openaiUsage(reply.doc) };
  },
  stream(inbound) {
    return new OpenAIStream(injectsUsage(inbound));
  },
};
