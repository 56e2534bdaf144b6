import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { type SseEvent, SseParser, SseStreamError } from "./sse-parser.js";

/** `bytes` cut at the given positions (any order, repeats and out-of-range ones folded in). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const bounds = [0, ...at, bytes.length];
  return bounds.slice(1).map((end, i) => bytes.subarray(bounds[i], end));
}

interface Outcome {
  events: Array<Pick<SseEvent, "event" | "data"> & { raw: string }>;
  tail: string | undefined;
  error: string | undefined;
}

/** Everything a parser yields for these chunks; only its own error may escape push/flush. */
function run(chunks: Uint8Array[], maxEventBytes?: number): Outcome {
  const parser = new SseParser(maxEventBytes);
  const events: SseEvent[] = [];
  const view = (e: SseEvent) => ({ event: e.event, data: e.data, raw: e.raw.toString("latin1") });
  try {
    for (const chunk of chunks) events.push(...parser.push(chunk));
    const tail = parser.flush();
    return { events: events.map(view), tail: tail?.raw.toString("latin1"), error: undefined };
  } catch (error) {
    if (!(error instanceof SseStreamError)) throw error;
    return { events: events.map(view), tail: undefined, error: error.message };
  }
}

// fast-check keeps collections to ~10 items unless told otherwise; these inputs need their length.
const cuts = fc.array(fc.nat(), { maxLength: 24, size: "max" });
/** Bytes biased towards the ones that frame events. */
const sseishBytes = fc
  .uint8Array({ maxLength: 16 })
  .chain((noise) =>
    fc
      .array(fc.constantFrom(0x0a, 0x0d, 0x3a, 0x20, 0x61, ...noise), { maxLength: 512, size: "max" })
      .map((bytes) => Uint8Array.from(bytes)),
  );
const anyBytes = fc.oneof(fc.uint8Array({ maxLength: 512, size: "max" }), sseishBytes);

/** A field value: any well-formed text without a line break. */
const lineText = fc.string({ unit: "grapheme", maxLength: 24 }).map((s) => s.replace(/[\r\n]/g, ""));

const sseEvent = fc.record({
  event: fc.option(lineText, { nil: undefined }),
  data: fc.array(lineText, { maxLength: 4 }),
  comment: fc.option(lineText, { nil: undefined }),
  id: fc.option(lineText, { nil: undefined }),
});
type GeneratedEvent = typeof sseEvent extends fc.Arbitrary<infer T> ? T : never;

function serialise(e: GeneratedEvent, eol: string): string {
  const lines = [
    ...(e.comment === undefined ? [] : [`:${e.comment}`]),
    ...(e.event === undefined ? [] : [`event: ${e.event}`]),
    ...(e.id === undefined ? [] : [`id: ${e.id}`]),
    ...e.data.map((d) => `data: ${d}`),
  ];
  // An event with no line at all would be a bare blank line, which frames nothing.
  if (lines.length === 0) lines.push(":");
  return lines.map((l) => l + eol).join("") + eol;
}

/**
 * The events' raw bytes as a byte-at-a-time reading of the framing rule gives them: an event
 * ends at "\n\n" or "\n\r\n". The parser jumps between line feeds; this is the slow, plain
 * statement of what it must find.
 */
function framedByteByByte(bytes: Uint8Array): string[] {
  const raws: string[] = [];
  let start = 0;
  let progress: "none" | "lf" | "lfcr" = "none";
  bytes.forEach((b, i) => {
    if (b === 0x0a && progress !== "none") {
      raws.push(Buffer.from(bytes.subarray(start, i + 1)).toString("latin1"));
      start = i + 1;
      progress = "none";
    } else if (b === 0x0a) progress = "lf";
    else progress = b === 0x0d && progress === "lf" ? "lfcr" : "none";
  });
  return raws;
}

describe("SseParser (fuzz)", () => {
  it("frames events exactly where a byte-by-byte reading of the rule does, whatever the chunking", () => {
    fc.assert(
      fc.property(anyBytes, cuts, (bytes, at) => {
        const out = run(split(bytes, at));
        expect(out.events.map((e) => e.raw)).toEqual(framedByteByByte(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it("never throws on arbitrary bytes in arbitrary chunks, and loses or invents no byte", () => {
    fc.assert(
      fc.property(anyBytes, cuts, (bytes, at) => {
        const out = run(split(bytes, at));
        expect(out.error).toBeUndefined();
        const seen = out.events.map((e) => e.raw).join("") + (out.tail ?? "");
        // flush() drops a whitespace-only tail; everything else comes back byte for byte.
        expect(Buffer.from(bytes).toString("latin1").startsWith(seen)).toBe(true);
        expect(Buffer.from(bytes).toString("latin1").slice(seen.length).trim()).toBe("");
      }),
      { numRuns: 400 },
    );
  });

  it("gives the same events for any chunking of any bytes as for one chunk", () => {
    fc.assert(
      fc.property(anyBytes, cuts, (bytes, at) => {
        expect(run(split(bytes, at))).toEqual(run([bytes]));
      }),
      { numRuns: 400 },
    );
  });

  it("recovers every event of a valid stream, LF or CRLF, whatever the chunking", () => {
    fc.assert(
      fc.property(
        fc.array(sseEvent, { maxLength: 8, size: "max" }),
        fc.constantFrom("\n", "\r\n"),
        cuts,
        (events, eol, at) => {
          const wire = Buffer.from(events.map((e) => serialise(e, eol)).join(""));
          const out = run(split(wire, at));
          expect(out.error).toBeUndefined();
          expect(out.tail).toBeUndefined();
          expect(out.events.map(({ event, data }) => ({ event, data }))).toEqual(
            events.map((e) => ({ event: e.event, data: e.data.join("\n") })),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it("fails with its own error exactly when an event outgrows the cap, whatever the chunking", () => {
    const cap = 64;
    fc.assert(
      fc.property(anyBytes, cuts, (bytes, at) => {
        const whole = run([bytes], cap);
        const uncapped = run([bytes]);
        const framed = uncapped.events.map((e) => e.raw.length);
        const trailing = bytes.length - framed.reduce((a, b) => a + b, 0);
        const longest = Math.max(trailing, ...framed);
        expect(whole.error !== undefined).toBe(longest > cap);
        expect(run(split(bytes, at), cap)).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it("copies a stream's bytes a bounded number of times: ten times the input, ten times the work", () => {
    // Counted, not timed: the bytes the parser copies into new buffers, which is what grew
    // quadratically when every chunk was appended to one buffer.
    const copied = (size: number, chunk: number) => {
      const wire = Buffer.from(`data: ${"x".repeat(size)}\n\n: ${"y".repeat(size)}`);
      const chunks = split(
        wire,
        Array.from({ length: Math.ceil(wire.length / chunk) }, (_, i) => i * chunk),
      );
      const concat = vi.spyOn(Buffer, "concat");
      const from = vi.spyOn(Buffer, "from");
      try {
        const parser = new SseParser();
        for (const c of chunks) parser.push(c);
        parser.flush();
        return [...concat.mock.results, ...from.mock.results].reduce(
          (sum, r) => sum + (r.type === "return" && Buffer.isBuffer(r.value) ? r.value.length : 0),
          0,
        );
      } finally {
        concat.mockRestore();
        from.mockRestore();
      }
    };
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), (chunk) => {
        const small = copied(2048, chunk);
        const large = copied(20480, chunk);
        expect(large / small).toBeGreaterThan(8);
        expect(large / small).toBeLessThan(12);
        expect(large).toBeLessThanOrEqual(3 * 2 * 20480 + 64);
      }),
      { numRuns: 10 },
    );
  });
});
