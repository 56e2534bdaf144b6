import { toUtf8 } from "@smithy/util-utf8";
import { EventStreamError, type EventStreamMessage } from "./event-stream.js";

/**
 * What a Bedrock streaming response message means: an event (`chunk` for
 * InvokeModelWithResponseStream; `messageStart`, `contentBlockDelta`, `metadata`… for
 * ConverseStream), a modelled exception raised mid-stream, or a transport-level error.
 */
export type BedrockStreamEvent =
  | { kind: "event"; eventType: string; payload: unknown }
  | { kind: "exception"; exceptionType: string; message: string }
  | { kind: "error"; errorCode: string; message: string };

export function headerString(message: EventStreamMessage, name: string): string | undefined {
  const value = message.headers[name];
  return typeof value === "string" ? value : undefined;
}

export const messageTypeOf = (message: EventStreamMessage) => headerString(message, ":message-type");
export const eventTypeOf = (message: EventStreamMessage) => headerString(message, ":event-type");
export const exceptionTypeOf = (message: EventStreamMessage) => headerString(message, ":exception-type");

export function readBedrockEvent(message: EventStreamMessage): BedrockStreamEvent {
  const messageType = messageTypeOf(message);
  switch (messageType) {
    case "event":
      return {
        kind: "event",
        eventType: required(eventTypeOf(message), ":event-type"),
        payload: jsonBody(message),
      };
    case "exception":
      return {
        kind: "exception",
        exceptionType: required(exceptionTypeOf(message), ":exception-type"),
        message: exceptionMessage(jsonBody(message)),
      };
    case "error":
      return {
        kind: "error",
        errorCode: required(headerString(message, ":error-code"), ":error-code"),
        message: headerString(message, ":error-message") ?? "",
      };
    default:
      throw new EventStreamError(`unknown event stream :message-type ${JSON.stringify(messageType)}`);
  }
}

/**
 * The model's own bytes inside an InvokeModelWithResponseStream `chunk` event, whose body is
 * `{"bytes": "<base64>"}` (plus a random-length `p` padding field that is ignored).
 */
export function chunkBytes(message: EventStreamMessage): Uint8Array {
  const eventType = eventTypeOf(message);
  if (eventType !== "chunk") throw new EventStreamError(`expected a chunk event, got ${String(eventType)}`);
  const payload = jsonBody(message);
  const bytes =
    typeof payload === "object" && payload !== null && "bytes" in payload ? payload.bytes : undefined;
  if (typeof bytes !== "string") throw new EventStreamError("chunk event has no base64 `bytes` field");
  return new Uint8Array(Buffer.from(bytes, "base64"));
}

/** The model's event inside a chunk, e.g. an Anthropic `content_block_delta`. */
export function chunkJson(message: EventStreamMessage): unknown {
  return parseJson(toUtf8(chunkBytes(message)), "chunk bytes");
}

function jsonBody(message: EventStreamMessage): unknown {
  if (message.body.byteLength === 0) return {};
  return parseJson(toUtf8(message.body), "event body");
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new EventStreamError(`${what} is not valid JSON`, { cause: error });
  }
}

/** AWS spells the field `message` on most services and `Message` on some. */
function exceptionMessage(payload: unknown): string {
  if (typeof payload !== "object" || payload === null) return "";
  if ("message" in payload && typeof payload.message === "string") return payload.message;
  if ("Message" in payload && typeof payload.Message === "string") return payload.Message;
  return "";
}

function required(value: string | undefined, header: string): string {
  if (value === undefined) throw new EventStreamError(`event stream message has no ${header} header`);
  return value;
}
