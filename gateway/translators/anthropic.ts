import type { StreamTranslator, Translator, Usage } from "../pipeline/types.js";
import { SseParser } from "../streaming/sse-parser.js";
import { numberAt, objectAt, parseJsonObject } from "./json-body.js";

export const ANTHROPIC_DEFAULT_BASE_URL = "https://api.anthropic.com";
export const ANTHROPIC_VERSION = "2023-06-01";

export function anthropicUsage(doc: Record<string, unknown> | undefined): Usage | undefined {
  const usage = objectAt(doc, "usage");
  if (!usage) return undefined;
  return {
    inputTokens: numberAt(usage, "input_tokens") ?? 0,
    outputTokens: numberAt(usage, "output_tokens") ?? 0,
  };
}

/**
 * Anthropic streams report input tokens in message_start and the running output count in
 * message_delta; the last of each wins.
 */
export class AnthropicUsageTap {
  private input = 0;
  private output = 0;
  private seen = false;

  observe(doc: Record<string, unknown> | undefined): void {
    const type = doc?.type;
    const usage = type === "message_start" ? anthropicUsage(objectAt(doc, "message")) : anthropicUsage(doc);
    if (!usage) return;
    this.seen = true;
    if (type === "message_start") this.input = usage.inputTokens;
    if (usage.inputTokens > 0 && type !== "message_start") this.input = usage.inputTokens;
    this.output = Math.max(this.output, usage.outputTokens);
  }

  usage(): Usage | undefined {
    return this.seen ? { inputTokens: this.input, outputTokens: this.output } : undefined;
  }
}

export class AnthropicSseStream implements StreamTranslator {
  readonly contentType = "text/event-stream; charset=utf-8";
  readonly upstreamContentType = "text/event-stream";
  private readonly parser = new SseParser();
  private readonly tap = new AnthropicUsageTap();

  push(chunk: Uint8Array): Uint8Array[] {
    return this.parser.push(chunk).map((e) => {
      this.tap.observe(parseJsonObject(e.data));
      return e.raw;
    });
  }

  end(): Uint8Array[] {
    const tail = this.parser.flush();
    return tail ? [tail.raw] : [];
  }

  usage(): Usage | undefined {
    return this.tap.usage();
  }
}

const paths = { messages: "/v1/messages", count_tokens: "/v1/messages/count_tokens" } as const;

/** Anthropic Messages (and count_tokens) to Anthropic's API. */
export const anthropicTranslator: Translator = {
  async request(inbound, target) {
    const path = inbound.operation === "count_tokens" ? paths.count_tokens : paths.messages;
    const base = (target.provider.baseURL ?? ANTHROPIC_DEFAULT_BASE_URL).replace(/\/+$/, "");
    const headers: Record<string, string> = {
      "anthropic-version": ANTHROPIC_VERSION,
      ...inbound.passHeaders,
      "content-type": "application/json",
      accept: inbound.stream ? "text/event-stream" : "application/json",
    };
    if (target.provider.credential) headers["x-api-key"] = target.provider.credential;
    return {
      url: base + path,
      method: "POST",
      headers,
      body: JSON.stringify({ ...inbound.body, model: target.model }),
    };
  },
  response(reply, inbound) {
    // count_tokens only measures: nothing is generated or billed.
    const usage = inbound.operation === "count_tokens" ? undefined : anthropicUsage(reply.doc);
    return { body: reply.text, usage };
  },
  stream() {
    return new AnthropicSseStream();
  },
};
