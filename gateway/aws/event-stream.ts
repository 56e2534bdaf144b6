import { crc32 } from "node:zlib";
import { EventStreamCodec, type MessageHeaderValue } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import { ByteQueue } from "./byte-queue.js";

/**
 * The AWS event-stream framing (application/vnd.amazon.eventstream) that Bedrock's streaming
 * responses use: [total length u32][headers length u32][prelude CRC32][headers][body][message CRC32].
 */

export type EventHeaderValue = string | number | boolean | Uint8Array | Date;

export interface EventStreamMessage {
  headers: Record<string, EventHeaderValue>;
  body: Uint8Array;
}

/** Bedrock only ever sends string headers, so the encoder (used by the mock) takes just those. */
export interface EncodableMessage {
  headers: Record<string, string>;
  body: Uint8Array;
}

/** The stream is corrupt or cut short; nothing after it can be trusted. */
export class EventStreamError extends Error {
  override readonly name = "EventStreamError";
}

const PRELUDE_LENGTH = 12;
const MIN_MESSAGE_LENGTH = PRELUDE_LENGTH + 4;
// The limits of the reference implementation (aws-c-event-stream); a larger declared length
// means a corrupt prelude, and waiting for it would buffer without bound.
const MAX_MESSAGE_LENGTH = 16 * 1024 * 1024;
const MAX_HEADERS_LENGTH = 128 * 1024;

// decode() and encode() keep no state; only feed()/getMessage() do, and they are not used.
const codec = new EventStreamCodec(toUtf8, fromUtf8);

export function encodeEventStreamMessage(message: EncodableMessage): Uint8Array {
  const headers: Record<string, MessageHeaderValue> = {};
  for (const [name, value] of Object.entries(message.headers)) headers[name] = { type: "string", value };
  return codec.encode({ headers, body: message.body });
}

/** Accepts bytes as they arrive, in chunks of any size, and hands back each complete message. */
export class EventStreamDecoder {
  private readonly queue = new ByteQueue();
  private failure: EventStreamError | undefined;

  /**
   * Messages completed by this chunk. When a chunk holds good messages before a corrupt one,
   * the good ones are returned and the error is thrown by the next push() or end().
   */
  push(chunk: Uint8Array): EventStreamMessage[] {
    if (this.failure) throw this.failure;
    this.queue.push(chunk);
    const messages: EventStreamMessage[] = [];
    try {
      for (let message = this.next(); message; message = this.next()) messages.push(message);
    } catch (error) {
      this.failure = asEventStreamError(error);
      if (messages.length === 0) throw this.failure;
    }
    return messages;
  }

  /** Call when the byte stream ends: leftover bytes mean the last message was cut off. */
  end(): void {
    if (this.failure) throw this.failure;
    if (this.queue.length > 0) {
      throw new EventStreamError(
        `event stream ended inside a message (${this.queue.length} bytes left over)`,
      );
    }
  }

  private next(): EventStreamMessage | undefined {
    if (this.queue.length < PRELUDE_LENGTH) return undefined;
    const totalLength = checkedPrelude(this.queue.peek(PRELUDE_LENGTH));
    if (this.queue.length < totalLength) return undefined;
    const decoded = codec.decode(this.queue.take(totalLength));
    return { headers: flattenHeaders(decoded.headers), body: decoded.body };
  }
}

export async function* decodeEventStream(
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<EventStreamMessage> {
  const decoder = new EventStreamDecoder();
  for await (const chunk of source) yield* decoder.push(chunk);
  decoder.end();
}

/**
 * Checks the prelude as soon as its 12 bytes are in, before waiting for the rest, so a
 * corrupt length is reported at once instead of stalling the stream.
 */
function checkedPrelude(prelude: Uint8Array): number {
  const view = new DataView(prelude.buffer, prelude.byteOffset, prelude.byteLength);
  const totalLength = view.getUint32(0, false);
  const headersLength = view.getUint32(4, false);
  if (crc32(prelude.subarray(0, 8)) !== view.getUint32(8, false)) {
    throw new EventStreamError("event stream prelude checksum does not match");
  }
  if (totalLength < MIN_MESSAGE_LENGTH || totalLength > MAX_MESSAGE_LENGTH) {
    throw new EventStreamError(`event stream message length ${totalLength} is out of range`);
  }
  if (headersLength > MAX_HEADERS_LENGTH || headersLength > totalLength - MIN_MESSAGE_LENGTH) {
    throw new EventStreamError(`event stream headers length ${headersLength} is out of range`);
  }
  return totalLength;
}

function asEventStreamError(error: unknown): EventStreamError {
  if (error instanceof EventStreamError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new EventStreamError(`event stream message is corrupt: ${reason}`, { cause: error });
}

function flattenHeaders(headers: Record<string, MessageHeaderValue>): Record<string, EventHeaderValue> {
  const out: Record<string, EventHeaderValue> = {};
  for (const [name, header] of Object.entries(headers)) out[name] = headerValue(header);
  return out;
}

function headerValue(header: MessageHeaderValue): EventHeaderValue {
  switch (header.type) {
    case "boolean":
    case "byte":
    case "short":
    case "integer":
    case "binary":
    case "string":
    case "uuid":
    case "timestamp":
      return header.value;
    case "long":
      return header.value.valueOf();
  }
}
