import { describe, expect, it, vi } from "vitest";
import { MAX_SSE_EVENT_BYTES, SseParser, SseStreamError } from "./sse-parser.js";

const text =
  'data: {"a":1}\n\nevent: message_stop\ndata: {"type":"message_stop"}\n\n: ping comment\n\ndata: [DONE]\n\n';

describe("SseParser", () => {
  it("splits events and keeps their raw bytes", () => {
    const events = new SseParser().push(Buffer.from(text));
    expect(events.map((e) => e.data)).toEqual(['{"a":1}', '{"type":"message_stop"}', "", "[DONE]"]);
    expect(events[1]?.event).toBe("message_stop");
    expect(Buffer.concat(events.map((e) => e.raw)).toString()).toBe(text);
  });

  it("gives the same events whatever the chunk boundaries", () => {
    const bytes = Buffer.from(text);
    for (let size = 1; size <= 7; size++) {
      const p = new SseParser();
      const events = [];
      for (let i = 0; i < bytes.length; i += size) events.push(...p.push(bytes.subarray(i, i + size)));
      expect(events.map((e) => e.data)).toEqual(['{"a":1}', '{"type":"message_stop"}', "", "[DONE]"]);
      expect(Buffer.concat(events.map((e) => e.raw)).toString()).toBe(text);
    }
  });

  it("handles CRLF line endings and multi-line data", () => {
    const events = new SseParser().push(Buffer.from("data: a\r\ndata: b\r\n\r\n"));
    expect(events[0]?.data).toBe("a\nb");
  });

  it("flushes an unterminated final event", () => {
    const p = new SseParser();
    expect(p.push(Buffer.from("data: tail"))).toEqual([]);
    expect(p.flush()?.data).toBe("tail");
  });

  it("security: an upstream that never ends an event is cut off at the cap, not buffered without bound", () => {
    const p = new SseParser();
    expect(p.push(Buffer.from("data: fine\n\n"))).toHaveLength(1);
    const mebibyte = Buffer.alloc(1024 * 1024, "a");
    let pushed = 0;
    const flood = () => {
      for (let i = 0; i < 2 * (MAX_SSE_EVENT_BYTES / mebibyte.length); i++) {
        p.push(mebibyte);
        pushed += mebibyte.length;
      }
    };
    expect(flood).toThrow(SseStreamError);
    expect(pushed).toBeLessThanOrEqual(MAX_SSE_EVENT_BYTES);
    // Nothing after the overflow can be framed: the stream stays broken.
    expect(() => p.push(Buffer.from("\n\n"))).toThrow(SseStreamError);
    expect(() => p.flush()).toThrow(SseStreamError);
  });

  it("returns the events before an oversized one, then fails on the next call", () => {
    const p = new SseParser(16);
    const events = p.push(Buffer.from(`data: a\n\ndata: ${"x".repeat(32)}\n\n`));
    expect(events.map((e) => e.data)).toEqual(["a"]);
    expect(() => p.push(Buffer.from("data: b\n\n"))).toThrow(/more than 16 bytes/);
  });

  it("security: an event trickling in over many chunks is copied once, not once per chunk (linear time)", () => {
    const event = Buffer.from(`data: ${"x".repeat(64 * 1024)}\n\n`);
    const chunks = Array.from({ length: Math.ceil(event.length / 64) }, (_, i) =>
      event.subarray(i * 64, (i + 1) * 64),
    );
    const concat = vi.spyOn(Buffer, "concat");
    const from = vi.spyOn(Buffer, "from");
    try {
      const p = new SseParser();
      const events = chunks.flatMap((c) => p.push(c));
      expect(events.map((e) => e.raw.length)).toEqual([event.length]);
      const copied = [...concat.mock.results, ...from.mock.results].reduce(
        (sum, r) => sum + (r.type === "return" && Buffer.isBuffer(r.value) ? r.value.length : 0),
        0,
      );
      // Copied per chunk, the 64 KiB event would cost ~32 MiB of copying (quadratic).
      expect(copied).toBeLessThanOrEqual(3 * event.length);
    } finally {
      concat.mockRestore();
      from.mockRestore();
    }
  });
});
