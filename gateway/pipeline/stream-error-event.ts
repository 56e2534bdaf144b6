import { encodeEventStreamMessage } from "../aws/event-stream.js";
import type { SurfaceName } from "./types.js";

const encoder = new TextEncoder();

/** Why a stream was cut: the upstream failed, or the Policy's guardrails stopped the answer. */
export type StreamCut = "upstream" | "guardrail";

const SHAPES = {
  upstream: {
    openai: ["server_error", "upstream_stream_error"],
    anthropic: "api_error",
    bedrock: "internalServerException",
  },
  guardrail: {
    openai: ["invalid_request_error", "guardrail_blocked"],
    anthropic: "invalid_request_error",
    bedrock: "validationException",
  },
} as const;

/**
 * The last event of a stream that broke off (the upstream stalled or failed mid-way, or the
 * guardrails withheld the rest), in the caller's own stream format, so its SDK raises an error
 * instead of taking a truncated answer for a complete one: OpenAI's SDK throws on a data event
 * holding `error`, Anthropic's on an `error` event, the AWS SDK on an exception message.
 */
export function streamErrorEvent(
  surface: SurfaceName,
  message: string,
  cut: StreamCut = "upstream",
): Uint8Array {
  const shape = SHAPES[cut];
  switch (surface) {
    case "openai":
    case "azure": {
      const [type, code] = shape.openai;
      return encoder.encode(`data: ${JSON.stringify({ error: { message, type, param: null, code } })}\n\n`);
    }
    case "anthropic":
      return encoder.encode(
        `event: error\ndata: ${JSON.stringify({ type: "error", error: { type: shape.anthropic, message } })}\n\n`,
      );
    case "bedrock":
      return encodeEventStreamMessage({
        headers: {
          ":message-type": "exception",
          ":exception-type": shape.bedrock,
          ":content-type": "application/json",
        },
        body: encoder.encode(JSON.stringify({ message })),
      });
  }
}
