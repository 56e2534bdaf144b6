import { describe, expect, it } from "vitest";
import { SseParser } from "./sse-parser.js";

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
});
