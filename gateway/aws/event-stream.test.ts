import { crc32 } from "node:zlib";
import { EventStreamCodec, Int64 } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import { describe, expect, it } from "vitest";
import {
  decodeEventStream,
  type EncodableMessage,
  EventStreamDecoder,
  EventStreamError,
  encodeEventStreamMessage,
} from "./event-stream.js";

const CHUNK: EncodableMessage = {
  headers: { ":event-type": "chunk", ":content-type": "application/json", ":message-type": "event" },
  body: fromUtf8('{"bytes":"eyJ0eXBlIjoibWVzc2FnZV9zdGFydCJ9"}'),
};
const EMPTY: EncodableMessage = {
  headers: { ":message-type": "event", ":event-type": "empty" },
  body: new Uint8Array(),
};
const UNICODE: EncodableMessage = { headers: {}, body: fromUtf8("héllo — ünïcode ✓") };
const MESSAGES = [CHUNK, EMPTY, UNICODE];

/** Damages one byte in place, as a bad network or a buggy relay would. */
function flip(bytes: Uint8Array, index: number, mask: number): void {
  bytes.set([(bytes.at(index) ?? 0) ^ mask], index < 0 ? bytes.byteLength + index : index);
}

function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

const wire = () => concat(MESSAGES.map(encodeEventStreamMessage));

function decodeAll(chunks: Uint8Array[]): EncodableMessage[] {
  const decoder = new EventStreamDecoder();
  const out = chunks.flatMap((chunk) => decoder.push(chunk));
  decoder.end();
  return out.map((m) => ({ headers: m.headers as Record<string, string>, body: m.body }));
}

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.byteLength; i += size) yield bytes.subarray(i, i + size);
}

describe("event-stream codec", () => {
  it("round-trips several messages delivered in one chunk", () => {
    expect(decodeAll([wire()])).toEqual(MESSAGES);
  });

  it("decodes the stream split at every byte boundary", () => {
    const bytes = wire();
    for (let at = 0; at <= bytes.byteLength; at += 1) {
      expect(decodeAll([bytes.subarray(0, at), bytes.subarray(at)])).toEqual(MESSAGES);
    }
  });

  it("decodes the stream fed one byte at a time", () => {
    const bytes = wire();
    const single = Array.from(bytes, (byte) => Uint8Array.of(byte));
    expect(decodeAll(single)).toEqual(MESSAGES);
  });

  it("decodes from an async byte source", async () => {
    const out = [];
    for await (const message of decodeEventStream(chunksOf(wire(), 7))) out.push(message);
    expect(out.map((m) => toUtf8(m.body))).toEqual(MESSAGES.map((m) => toUtf8(m.body)));
  });

  it("flattens every header type the format defines", () => {
    const smithy = new EventStreamCodec(toUtf8, fromUtf8);
    const when = new Date("2024-05-01T00:00:00.000Z");
    const bytes = smithy.encode({
      headers: {
        flag: { type: "boolean", value: false },
        small: { type: "byte", value: 7 },
        short: { type: "short", value: -300 },
        int: { type: "integer", value: 70_000 },
        long: { type: "long", value: Int64.fromNumber(5_000_000_000) },
        blob: { type: "binary", value: Uint8Array.of(1, 2) },
        when: { type: "timestamp", value: when },
        id: { type: "uuid", value: "0f8fad5b-d9cb-469f-a165-70867728950e" },
      },
      body: new Uint8Array(),
    });
    const [message] = new EventStreamDecoder().push(bytes);

    expect(message?.headers).toEqual({
      flag: false,
      small: 7,
      short: -300,
      int: 70_000,
      long: 5_000_000_000,
      blob: Uint8Array.of(1, 2),
      when,
      id: "0f8fad5b-d9cb-469f-a165-70867728950e",
    });
  });
});

describe("event-stream corruption", () => {
  it("detects a flipped body byte through the message CRC", () => {
    const bytes = encodeEventStreamMessage(CHUNK);
    flip(bytes, -10, 0x01);

    expect(() => new EventStreamDecoder().push(bytes)).toThrow(/corrupt.*checksum/);
  });

  it("detects a damaged length through the prelude CRC before waiting for more bytes", () => {
    const bytes = encodeEventStreamMessage(CHUNK);
    flip(bytes, 1, 0x40);
    const decoder = new EventStreamDecoder();

    expect(() => decoder.push(bytes.subarray(0, 12))).toThrow(EventStreamError);
    expect(() => decoder.push(bytes.subarray(12))).toThrow(/prelude checksum/);
  });

  it("refuses a declared length beyond the 16 MiB limit even with a valid prelude CRC", () => {
    const prelude = new Uint8Array(12);
    const view = new DataView(prelude.buffer);
    view.setUint32(0, 32 * 1024 * 1024, false);
    view.setUint32(4, 0, false);
    view.setUint32(8, crc32(prelude.subarray(0, 8)), false);

    expect(() => new EventStreamDecoder().push(prelude)).toThrow(/length .* out of range/);
  });

  it("hands over good messages before a corrupt one, then fails", () => {
    const good = encodeEventStreamMessage(UNICODE);
    const bad = encodeEventStreamMessage(UNICODE);
    flip(bad, -1, 0xff);
    const decoder = new EventStreamDecoder();

    expect(decoder.push(concat([good, bad]))).toHaveLength(1);
    expect(() => decoder.end()).toThrow(EventStreamError);
    expect(() => decoder.push(good)).toThrow(EventStreamError);
  });

  it("reports a stream that ends inside a message", async () => {
    const bytes = wire();
    const truncated = chunksOf(bytes.subarray(0, bytes.byteLength - 3), 64);
    const read = async () => {
      for await (const _ of decodeEventStream(truncated));
    };

    await expect(read()).rejects.toThrow(/ended inside a message \(\d+ bytes left over\)/);
  });
});
