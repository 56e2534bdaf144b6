import { scrubSpellings } from "../scrub.js";
import { type Scrubber, StreamScrubber } from "../streaming/stream-scrubber.js";
import { EventStreamDecoder, type EventStreamMessage, encodeEventStreamMessage } from "./event-stream.js";

/**
 * Cuts secrets out of an AWS event stream without breaking its framing: each message is
 * passed as it came when neither its payload nor the model bytes inside a `chunk` event
 * (base64) hold a secret, and re-encoded with them redacted when they do. A message is sent
 * once it is complete — a caller cannot use part of one anyway. If the stream turns out
 * corrupt, the rest is scrubbed as plain bytes (the caller's SDK reports the corruption).
 */
export class EventStreamScrubber implements Scrubber {
  private readonly decoder = new EventStreamDecoder();
  private readonly bytes: StreamScrubber;
  private pending: Buffer = Buffer.alloc(0);
  private corrupt = false;

  constructor(private readonly spellings: readonly string[]) {
    this.bytes = new StreamScrubber(spellings);
  }

  push(chunk: Uint8Array): Uint8Array {
    if (this.corrupt) return this.bytes.push(chunk);
    this.pending = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : Buffer.from(chunk);
    let messages: EventStreamMessage[];
    try {
      messages = this.decoder.push(chunk);
    } catch {
      this.corrupt = true;
      const rest = this.pending;
      this.pending = Buffer.alloc(0);
      return this.bytes.push(rest);
    }
    const out: Uint8Array[] = [];
    let at = 0;
    for (const message of messages) {
      const length = this.pending.readUInt32BE(at);
      out.push(this.scrubbed(message, this.pending.subarray(at, at + length)));
      at += length;
    }
    this.pending = Buffer.from(this.pending.subarray(at));
    return out.length === 1 ? (out[0] as Uint8Array) : Buffer.concat(out);
  }

  end(): Uint8Array {
    // Bytes of a message cut short: scrubbed as text, like a corrupt stream.
    const rest = this.bytes.push(this.pending);
    this.pending = Buffer.alloc(0);
    return Buffer.concat([rest, this.bytes.end()]);
  }

  private scrubbed(message: EventStreamMessage, raw: Uint8Array): Uint8Array {
    const inner = modelBytes(message);
    if (!this.bytes.contains(message.body) && !(inner && this.bytes.contains(inner))) return raw;
    let body = scrubSpellings(Buffer.from(message.body).toString(), this.spellings);
    if (inner) {
      const doc = JSON.parse(body) as Record<string, unknown>;
      doc.bytes = Buffer.from(scrubSpellings(Buffer.from(inner).toString(), this.spellings)).toString(
        "base64",
      );
      body = JSON.stringify(doc);
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(message.headers)) headers[name] = String(value);
    return encodeEventStreamMessage({ headers, body: Buffer.from(body) });
  }
}

/** The model's bytes inside an InvokeModelWithResponseStream `chunk` event, if it is one. */
function modelBytes(message: EventStreamMessage): Uint8Array | undefined {
  if (message.headers[":event-type"] !== "chunk") return undefined;
  try {
    const doc: unknown = JSON.parse(Buffer.from(message.body).toString());
    const b = doc && typeof doc === "object" && "bytes" in doc ? doc.bytes : undefined;
    return typeof b === "string" ? Buffer.from(b, "base64") : undefined;
  } catch {
    return undefined;
  }
}
