import { encodeEventStreamMessage } from "../aws/event-stream.js";
import type { SurfaceName } from "./types.js";

const encoder = new TextEncoder();

/**
 * The last event of a stream that broke off (the upstream stalled or failed mid-way), in the
 * caller's own stream format, so its SDK raises an error instead of taking a truncated answer
 * for a complete one: OpenAI's SDK throws on a data event holding `error`, Anthropic's on an
 * `error` event, the AWS SDK on an exception message.
 */
export function streamErrorEvent(surface: SurfaceName, message: string): Uint8Array {
  switch (surface) {
    case "openai":
    case "azure":
      return encoder.encode(
        `data: ${JSON.stringify({ error: { message, type: "server_error", param: null, code: "upstream_stream_error" } })}\n\n`,
      );
    case "anthropic":
      return encoder.encode(
        `event: error\ndata: ${JSON.stringify({ type: "error", error: { type: "api_error", message } })}\n\n`,
      );
    case "bedrock":
      return encodeEventStreamMessage({
        headers: {
          ":message-type": "exception",
          ":exception-type": "internalServerException",
          ":content-type": "application/json",
        },
        body: encoder.encode(JSON.stringify({ message })),
      });
  }
}
