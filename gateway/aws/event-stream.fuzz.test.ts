import { crc32 } from "node:zlib";
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { chunkJson, readBedrockEvent } from "./bedrock-stream-events.js";
import {
  type EncodableMessage,
  EventStreamDecoder,
  EventStreamError,
  type EventStreamMessage,
  encodeEventStreamMessage,
} from "./event-stream.js";

/** `bytes` cut at the given positions (any order, repeats and out-of-range ones folded in). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const bounds = [0, ...at, bytes.length];
  return bounds.slice(1).map((end, i) => bytes.subarray(bounds[i], end));
}

interface Outcome {
  messages: EventStreamMessage[];
  error: EventStreamError | undefined;
}

/** Feeds every chunk then ends; only the decoder's own error may escape. */
function decode(chunks: Uint8Array[]): Outcome {
  const decoder = new EventStreamDecoder();
  const messages: EventStreamMessage[] = [];
  try {
    for (const chunk of chunks) messages.push(...decoder.push(chunk));
    decoder.end();
    return { messages, error: undefined };
  } catch (error) {
    if (!(error instanceof EventStreamError)) throw error;
    return { messages, error };
  }
}

const wire = (messages: EncodableMessage[]) =>
  new Uint8Array(Buffer.concat(messages.map(encodeEventStreamMessage)));

// fast-check keeps collections to ~10 items unless told otherwise; these inputs need their length.
const cuts = fc.array(fc.nat(), { maxLength: 24, size: "max" });

const headerName = fc
  .string({ unit: "grapheme-ascii", minLength: 1, maxLength: 16 })
  .filter((name) => name !== "__proto__");
const message: fc.Arbitrary<EncodableMessage> = fc.record({
  headers: fc
    .uniqueArray(fc.tuple(headerName, fc.string({ unit: "grapheme", maxLength: 32 })), {
      selector: ([name]) => name,
      maxLength: 5,
    })
    .map((pairs) => Object.fromEntries(pairs)),
  body: fc.uint8Array({ maxLength: 256, size: "max" }),
});
const messages = fc.array(message, { minLength: 1, maxLength: 6 });

/** A prelude whose checksum is right, declaring whatever lengths it is given. */
function prelude(totalLength: number, headersLength: number): Uint8Array {
  const bytes = new Uint8Array(12);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, totalLength, false);
  view.setUint32(4, headersLength, false);
  view.setUint32(8, crc32(bytes.subarray(0, 8)), false);
  return bytes;
}

describe("EventStreamDecoder (fuzz)", () => {
  it("decodes any chunking of valid frames exactly as they were encoded", () => {
    fc.assert(
      fc.property(messages, cuts, (sent, at) => {
        const out = decode(split(wire(sent), at));
        expect(out.error).toBeUndefined();
        expect(out.messages.map((m) => ({ headers: m.headers, body: new Uint8Array(m.body) }))).toEqual(sent);
      }),
      { numRuns: 200 },
    );
  });

  it("throws only EventStreamError on arbitrary bytes in arbitrary chunks", () => {
    const anyBytes = fc.oneof(
      fc.uint8Array({ maxLength: 512, size: "max" }),
      // A valid prelude, so the fuzzing reaches the headers, body and message checksum.
      fc
        .tuple(fc.nat({ max: 600 }), fc.nat({ max: 600 }), fc.uint8Array({ maxLength: 600, size: "max" }))
        .map(([total, headers, rest]) => new Uint8Array(Buffer.concat([prelude(total, headers), rest]))),
    );
    fc.assert(
      fc.property(anyBytes, cuts, (bytes, at) => {
        // decode() rethrows anything but EventStreamError, failing the property.
        const out = decode(split(bytes, at));
        // Random bytes almost never frame a message; when they do not, the stream must fail.
        if (out.messages.length === 0 && bytes.length > 0) expect(out.error).toBeInstanceOf(EventStreamError);
      }),
      { numRuns: 400 },
    );
  });

  it("detects any single flipped bit: the messages before it, then EventStreamError", () => {
    fc.assert(
      fc.property(messages, fc.nat(), fc.nat({ max: 7 }), cuts, (sent, where, bit, at) => {
        const bytes = wire(sent);
        const index = where % bytes.length;
        bytes[index] = (bytes[index] ?? 0) ^ (1 << bit);
        const out = decode(split(bytes, at));
        expect(out.error).toBeInstanceOf(EventStreamError);
        // CRC32 catches every single-bit error, so no damaged message gets through.
        const damaged = messageIndexAt(sent, index);
        expect(out.messages.map(asEncodable)).toEqual(sent.slice(0, damaged));
      }),
      { numRuns: 300 },
    );
  });

  it("reports a truncated stream as EventStreamError after the whole messages it holds", () => {
    fc.assert(
      fc.property(messages, fc.nat(), cuts, (sent, where, at) => {
        const bytes = wire(sent);
        const length = where % bytes.length;
        const out = decode(split(bytes.subarray(0, length), at));
        const whole = messageIndexAt(sent, length);
        expect(out.messages.map(asEncodable)).toEqual(sent.slice(0, whole));
        const onBoundary = wire(sent.slice(0, whole)).length === length;
        expect(out.error === undefined).toBe(onBoundary);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses an absurd declared length at once, without waiting for it", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constantFrom(0, 1, 15, 0xffffffff, 0x80000000, 16 * 1024 * 1024 + 1),
          fc.integer({ min: 16 * 1024 * 1024 + 1, max: 0xffffffff }),
          fc.nat({ max: 15 }),
        ),
        fc.nat({ max: 0xffffffff }),
        (total, headers) => {
          expect(() => new EventStreamDecoder().push(prelude(total, headers))).toThrow(EventStreamError);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("holds only the bytes that arrived, not the length a prelude claims", () => {
    const claimed = 16 * 1024 * 1024;
    const decoder = new EventStreamDecoder();
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 16; i++) {
      expect(decoder.push(i === 0 ? prelude(claimed, 0) : new Uint8Array(64))).toEqual([]);
    }
    // Generous: other allocations in this process can move the figure, a 16 MiB buffer cannot hide.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(claimed / 4);
    expect(() => decoder.end()).toThrow(/ended inside a message/);
  });

  it("copies a stream's bytes a bounded number of times: ten times the input, ten times the work", () => {
    // Counted, not timed: bytes copied by Uint8Array#set, which is how the byte queue gathers
    // a message. A queue that re-copied what it holds on every chunk would grow quadratically.
    const copied = (size: number, chunk: number) => {
      const bytes = wire([{ headers: { ":message-type": "event" }, body: new Uint8Array(size) }]);
      const chunks = split(
        bytes,
        Array.from({ length: Math.ceil(bytes.length / chunk) }, (_, i) => i * chunk),
      );
      const set = vi.spyOn(Uint8Array.prototype, "set");
      try {
        const decoder = new EventStreamDecoder();
        for (const c of chunks) decoder.push(c);
        decoder.end();
        return set.mock.calls.reduce(
          (n, [source]) => n + (ArrayBuffer.isView(source) ? source.byteLength : 0),
          0,
        );
      } finally {
        set.mockRestore();
      }
    };
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 64 }), (chunk) => {
        const small = copied(1024, chunk);
        const large = copied(10240, chunk);
        expect(large / small).toBeGreaterThan(8);
        expect(large / small).toBeLessThan(12);
      }),
      { numRuns: 10 },
    );
  });
});

describe("Bedrock stream events (fuzz)", () => {
  const smithy = new EventStreamCodec(toUtf8, fromUtf8);
  const headerValue = fc.oneof(
    fc.constantFrom("event", "exception", "error", "chunk", "x"),
    fc.string({ maxLength: 16 }),
    fc.integer(),
    fc.boolean(),
    fc.uint8Array({ maxLength: 8 }),
  );
  const body = fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    fc.jsonValue().map((v) => fromUtf8(JSON.stringify(v))),
    // A chunk event's base64 `bytes`, wrapping JSON, text or garbage.
    fc
      .oneof(
        fc.string(),
        fc.base64String(),
        fc.jsonValue().map((v) => JSON.stringify(v)),
      )
      .map((inner) => fromUtf8(JSON.stringify({ bytes: Buffer.from(inner).toString("base64"), p: "x" }))),
    fc.string().map((bytes) => fromUtf8(JSON.stringify({ bytes }))),
  );
  const headerNames = fc.constantFrom(":message-type", ":event-type", ":exception-type", ":error-code", "x");

  it("reads any decoded message without throwing anything but EventStreamError", () => {
    fc.assert(
      fc.property(fc.dictionary(headerNames, headerValue), body, (headers, payload) => {
        const message: EventStreamMessage = { headers, body: payload };
        for (const read of [readBedrockEvent, chunkJson]) {
          try {
            read(message);
          } catch (error) {
            expect(error).toBeInstanceOf(EventStreamError);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it("reads every header type off the wire without throwing anything but EventStreamError", () => {
    const wireHeader = fc.oneof(
      fc.string({ maxLength: 16 }).map((value) => ({ type: "string" as const, value })),
      fc.integer().map((value) => ({ type: "integer" as const, value })),
      fc.boolean().map((value) => ({ type: "boolean" as const, value })),
      fc.uint8Array({ maxLength: 8 }).map((value) => ({ type: "binary" as const, value })),
      fc.date({ noInvalidDate: true }).map((value) => ({ type: "timestamp" as const, value })),
    );
    fc.assert(
      fc.property(fc.dictionary(headerNames, wireHeader), body, cuts, (headers, payload, at) => {
        const bytes = smithy.encode({ headers, body: payload });
        const out = decode(split(bytes, at));
        expect(out.error).toBeUndefined();
        for (const m of out.messages) {
          try {
            readBedrockEvent(m);
          } catch (error) {
            expect(error).toBeInstanceOf(EventStreamError);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

/** Index of the message that byte `offset` of the encoded stream falls in. */
function messageIndexAt(sent: EncodableMessage[], offset: number): number {
  let end = 0;
  for (const [i, m] of sent.entries()) {
    end += encodeEventStreamMessage(m).length;
    if (offset < end) return i;
  }
  return sent.length;
}

/** The decoder's view of a string-headed message, comparable with what was encoded. */
function asEncodable(m: EventStreamMessage): EncodableMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(m.headers)) headers[name] = String(value);
  return { headers, body: new Uint8Array(m.body) };
}
