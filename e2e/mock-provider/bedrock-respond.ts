import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { type EncodableMessage, encodeEventStreamMessage } from "../../gateway/aws/event-stream.js";
import { randomAlphanumeric } from "./random-id.js";

/** Every Bedrock response carries a request id; clients surface it in $metadata.requestId. */
export function bedrockHeaders(): Record<string, string> {
  return { "x-amzn-RequestId": randomUUID() };
}

export function sendBedrockJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(payload)),
    ...bedrockHeaders(),
    ...headers,
  });
  res.end(payload);
}

export function startEventStream(res: ServerResponse, headers: Record<string, string> = {}): void {
  res.writeHead(200, {
    "content-type": "application/vnd.amazon.eventstream",
    ...bedrockHeaders(),
    ...headers,
  });
  // Send headers now so the client sees the stream open before the first event.
  res.flushHeaders();
}

/**
 * Bedrock pads every event with a random-length `p` field so that message sizes do not reveal
 * the text; clients must ignore it, so the mock sends it too.
 */
function padded(payload: object): object {
  return { ...payload, p: randomAlphanumeric(1 + Math.floor(Math.random() * 24)) };
}

/** A ConverseStream event such as `contentBlockDelta`. */
export function eventMessage(eventType: string, payload: object): EncodableMessage {
  return {
    headers: { ":event-type": eventType, ":content-type": "application/json", ":message-type": "event" },
    body: Buffer.from(JSON.stringify(padded(payload))),
  };
}

/** An InvokeModelWithResponseStream `chunk`: the model's own event, base64 inside `bytes`. */
export function chunkMessage(modelEvent: object): EncodableMessage {
  const bytes = Buffer.from(JSON.stringify(modelEvent)).toString("base64");
  return eventMessage("chunk", { bytes });
}

/**
 * Writes each message as its own write, pausing between them, so a test can tell a relay that
 * streams apart from one that buffers. Messages are pulled lazily, so a generator can stamp
 * latencies as they really were. Returns false if the client went away first.
 */
export async function writeEventStream(
  res: ServerResponse,
  messages: Iterable<EncodableMessage>,
  delayMs: number,
): Promise<boolean> {
  let first = true;
  for (const message of messages) {
    if (!first && delayMs > 0) await sleep(delayMs);
    first = false;
    if (res.destroyed || res.writableEnded) return false;
    res.write(encodeEventStreamMessage(message));
  }
  return true;
}
