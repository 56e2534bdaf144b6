/**
 * Server-sent events, split as they arrive. Each event keeps its raw bytes so the gateway
 * forwards exactly what upstream sent (no re-serialisation) while it reads the fields.
 */
export interface SseEvent {
  event: string | undefined;
  data: string;
  /** The event's bytes as received, including its terminating blank line. */
  raw: Buffer;
}

const LF = 0x0a;
const CR = 0x0d;

/** Index just past the blank line ending the first complete event, or -1. */
function eventEnd(buf: Buffer, from: number): number {
  for (let i = from; i < buf.length; i++) {
    if (buf[i] !== LF) continue;
    // "\n\n" or "\n\r\n"
    if (buf[i + 1] === LF) return i + 2;
    if (buf[i + 1] === CR && buf[i + 2] === LF) return i + 3;
  }
  return -1;
}

function parseFields(raw: Buffer): { event: string | undefined; data: string } {
  let event: string | undefined;
  const data: string[] = [];
  for (const line of raw.toString("utf8").split(/\r?\n/)) {
    if (line === "" || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  return { event, data: data.join("\n") };
}

export class SseParser {
  private buffer: Buffer = Buffer.alloc(0);

  /** Feeds bytes; returns every event completed by them. */
  push(chunk: Uint8Array): SseEvent[] {
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    const events: SseEvent[] = [];
    let start = 0;
    for (;;) {
      const end = eventEnd(this.buffer, start);
      if (end === -1) break;
      const raw = this.buffer.subarray(start, end);
      events.push({ ...parseFields(raw), raw });
      start = end;
    }
    this.buffer = start === 0 ? this.buffer : Buffer.from(this.buffer.subarray(start));
    return events;
  }

  /** Bytes of an unterminated last event, if upstream ended without a blank line. */
  flush(): SseEvent | undefined {
    if (this.buffer.length === 0 || this.buffer.toString("utf8").trim() === "") return undefined;
    const raw = this.buffer;
    this.buffer = Buffer.alloc(0);
    return { ...parseFields(raw), raw };
  }
}
