import { REDACTION } from "../scrub.js";

const REDACTED = Buffer.from(REDACTION);
const EMPTY = Buffer.alloc(0);

/** What forwards a stream's caller bytes with the secrets cut out (the framing decides how). */
export interface Scrubber {
  push(chunk: Uint8Array): Uint8Array;
  end(): Uint8Array;
}

/** KMP failure table: for each prefix of the needle, its longest proper border. */
function borders(needle: Buffer): Int32Array {
  const fail = new Int32Array(needle.length);
  for (let i = 1, k = 0; i < needle.length; i++) {
    while (k > 0 && needle[i] !== needle[k]) k = fail[k - 1] ?? 0;
    if (needle[i] === needle[k]) k++;
    fail[i] = k;
  }
  return fail;
}

interface Needle {
  bytes: Buffer;
  fail: Int32Array;
}

/**
 * Cuts secrets out of a byte stream as it passes, including one split across chunks. Only
 * bytes that could begin a secret are held back — the longest end of what arrived that is the
 * start of a secret spelling, so fewer bytes than the longest spelling — and sent with the
 * next chunk or at the end. A chunk that ends in anything else goes out whole, at once.
 * Work per chunk is linear in its length: a native search per spelling, and a look at no more
 * than each spelling's length at the chunk's end.
 */
export class StreamScrubber implements Scrubber {
  private readonly needles: Needle[];
  private tail: Buffer = EMPTY;

  /** `spellings` longest first (as secretSpellings returns them), none empty. */
  constructor(spellings: readonly string[]) {
    this.needles = spellings.map((s) => {
      const bytes = Buffer.from(s);
      return { bytes, fail: borders(bytes) };
    });
  }

  /** What of the stream so far can be sent now, scrubbed; possibly empty. */
  push(chunk: Uint8Array): Uint8Array {
    const held = this.tail.length > 0;
    const text = held
      ? Buffer.concat([this.tail, chunk])
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const found = this.occurrences(text);
    // Bytes inside a secret found whole are redacted with it, never held for another.
    const cut = text.length - this.heldBack(text, found.at(-1)?.[1] ?? 0);
    this.tail = cut < text.length ? Buffer.from(text.subarray(cut)) : EMPTY;
    // The common case, a chunk far from any secret, goes out as it came: no copy.
    if (found.length === 0) return !held && cut === text.length ? chunk : text.subarray(0, cut);
    return redact(text, cut, found);
  }

  /** The held bytes, scrubbed, once the stream is over. */
  end(): Uint8Array {
    const text = this.tail;
    this.tail = EMPTY;
    const found = this.occurrences(text);
    return found.length === 0 ? text : redact(text, text.length, found);
  }

  /** Whether any spelling occurs in these bytes. */
  contains(bytes: Uint8Array): boolean {
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return this.needles.some((n) => b.includes(n.bytes));
  }

  /** Non-overlapping occurrences, longest spelling first, sorted by start. */
  private occurrences(text: Buffer): [number, number][] {
    const found: [number, number][] = [];
    for (const { bytes } of this.needles) {
      for (let at = text.indexOf(bytes); at !== -1; at = text.indexOf(bytes, at + 1)) {
        const end = at + bytes.length;
        if (found.some(([s, e]) => at < e && end > s)) continue;
        found.push([at, end]);
        at = end - 1;
      }
    }
    return found.sort((a, b) => a[0] - b[0]);
  }

  /** The length of the longest end of `text` past `after` that is a proper start of some spelling. */
  private heldBack(text: Buffer, after: number): number {
    let held = 0;
    for (const { bytes, fail } of this.needles) {
      const from = Math.max(after, text.length - (bytes.length - 1));
      // Cheap native test first: most chunks end far from any secret's first byte.
      if (text.indexOf(bytes[0] ?? 0, from) === -1) continue;
      let k = 0;
      for (let i = from; i < text.length; i++) {
        const c = text[i];
        while (k > 0 && bytes[k] !== c) k = fail[k - 1] ?? 0;
        if (bytes[k] === c) k++;
        if (k === bytes.length) k = fail[k - 1] ?? 0;
      }
      if (k > held) held = k;
    }
    return held;
  }
}

/** text[0, cut) with each occurrence (all inside it) replaced. */
function redact(text: Buffer, cut: number, found: readonly [number, number][]): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (const [start, end] of found) {
    parts.push(text.subarray(at, start), REDACTED);
    at = end;
  }
  parts.push(text.subarray(at, cut));
  return Buffer.concat(parts);
}
