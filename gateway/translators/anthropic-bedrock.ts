import { chunkJson, readBedrockEvent } from "../aws/bedrock-stream-events.js";
import { EventStreamDecoder } from "../aws/event-stream.js";
import type { StreamTranslator, Translator, Usage } from "../pipeline/types.js";
import { AnthropicUsageTap, anthropicUsage } from "./anthropic.js";
import { signedBedrockCall } from "./bedrock.js";

export const BEDROCK_ANTHROPIC_VERSION = "bedrock-2023-05-31";

const sse = (type: string, data: unknown) => Buffer.from(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);

/**
 * Bedrock wraps each Anthropic stream event in an event-stream `chunk`; an Anthropic caller
 * expects them as server-sent events. Each event is re-framed as soon as it is decoded.
 */
class BedrockToAnthropicSse implements StreamTranslator {
  readonly contentType = "text/event-stream; charset=utf-8";
  readonly upstreamContentType = "application/vnd.amazon.eventstream";
  private readonly decoder = new EventStreamDecoder();
  private readonly tap = new AnthropicUsageTap();

  push(chunk: Uint8Array): Uint8Array[] {
    let messages: ReturnType<EventStreamDecoder["push"]>;
    try {
      messages = this.decoder.push(chunk);
    } catch (err) {
      return [
        sse("error", {
          type: "error",
          error: { type: "api_error", message: `upstream stream broken: ${(err as Error).message}` },
        }),
      ];
    }
    return messages.map((m) => {
      const event = readBedrockEvent(m);
      if (event.kind !== "event") {
        const message = event.kind === "exception" ? event.message : event.message;
        return sse("error", { type: "error", error: { type: "api_error", message } });
      }
      const doc = chunkJson(m) as Record<string, unknown>;
      this.tap.observe(doc);
      const { "amazon-bedrock-invocationMetrics": _metrics, ...anthropic } = doc;
      return sse(typeof anthropic.type === "string" ? anthropic.type : "message", anthropic);
    });
  }

  end(): Uint8Array[] {
    return [];
  }

  usage(): Usage | undefined {
    return this.tap.usage();
  }
}

/** Anthropic Messages callers to Claude on Bedrock (InvokeModel with the Anthropic body). */
export const anthropicToBedrockTranslator: Translator = {
  request(inbound, target) {
    const { model: _model, stream: _stream, ...rest } = inbound.body;
    const body = JSON.stringify({ anthropic_version: BEDROCK_ANTHROPIC_VERSION, ...rest });
    return signedBedrockCall(target, inbound.stream ? "invoke_stream" : "invoke", body, inbound.stream);
  },
  response(reply) {
    return { body: reply.text, usage: anthropicUsage(reply.doc) };
  },
  stream() {
    return new BedrockToAnthropicSse();
  },
};
