import { createRequire } from "node:module";
import type { RE2 } from "re2-wasm";

/**
 * Custom rules run on RE2 (re2-wasm: Google's RE2 compiled to WebAssembly, no native build). RE2
 * matches in time linear in the input whatever the pattern, so a Policy author cannot write a rule
 * that stalls the request path (`(a+)+$` on 100 KB of `a` takes ~2 ms). The price is RE2's syntax:
 * no backreferences, no lookaround; the compile step says so when a pattern uses them.
 *
 * Three defects of re2-wasm 1.0.2 that this file works around:
 * - every call copies the whole input into WebAssembly memory, so a `g`-flag loop over n characters
 *   with k matches costs O(n·k) (measured: 1,000 matches in 113 KB took 12.8 s). We scan segments of
 *   SEGMENT characters instead, so each call costs O(SEGMENT).
 * - `index` counts code points, not UTF-16 units, so it is wrong after an emoji; we convert it.
 * - a lone surrogate throws its matching off (`x\uDE00bb` matches `b+` at "b"); we scan a
 *   well-formed copy (each lone surrogate becomes U+FFFD, one unit for one, so offsets hold).
 * - an empty match leaves `lastIndex` where it was and a `g` loop never ends; we step past it.
 * It also never frees a compiled pattern (no `delete`); rules compile once per config generation,
 * so that is a few KB per generation.
 *
 * Loaded on first use: a gateway with no custom rules never instantiates the module.
 */

export type Re2Pattern = RE2;
type Re2Constructor = new (pattern: string, flags?: string) => RE2;

let loaded: Re2Constructor | undefined;

function re2(): Re2Constructor {
  loaded ??= (createRequire(import.meta.url)("re2-wasm") as { RE2: Re2Constructor }).RE2;
  return loaded;
}

/**
 * Compiles an RE2 pattern for matchesIn (the `g` flag, so that a search can start at `lastIndex` and
 * still see the character before it for `\b`). Throws SyntaxError with RE2's reason.
 */
export function compileRe2(pattern: string): Re2Pattern {
  return new (re2())(pattern, "gu");
}

/**
 * Characters scanned per RE2 call; a match may run MAX_CUSTOM_MATCH past the segment's end. re2-wasm
 * costs 10–25 ns per character per call (the copy in, then the scan), so a call that finds a match
 * costs in proportion to the segment: 1 KB keeps that ~30 µs, and the overlap adds 25% to a scan
 * that finds nothing (2 KB: 12%, but twice the cost per match; matches are the worst case).
 */
export const SEGMENT = 1024;
/** The longest match a custom rule can produce; longer ones are cut to what fits. */
export const MAX_CUSTOM_MATCH = 256;

const SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** String.prototype.toWellFormed (ES2024, past our lib target): lone surrogates become U+FFFD. */
function wellFormed(s: string): string {
  return SURROGATE.test(s) ? s.replace(LONE_SURROGATE, "\uFFFD") : s;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** re2-wasm counts code points; JavaScript strings count UTF-16 units. */
function utf16Index(s: string, codePoints: number): number {
  let i = 0;
  for (let n = 0; n < codePoints && i < s.length; n++) i += (s.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
  return i;
}

function codePointIndex(s: string, utf16: number): number {
  let n = 0;
  for (let i = 0; i < utf16; n++) i += (s.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
  return n;
}

export interface Segment {
  text: string;
  /** Where `text` starts in the whole text. */
  base: number;
  /** Matches start at or after this offset (relative to `text`): before it is one character of context. */
  first: number;
  /** Matches must start before this offset (relative); later ones belong to the next segment. */
  limit: number;
  /** Whether `text` holds characters outside the BMP, whose offsets need converting. */
  astral: boolean;
}

/**
 * The text in segments of SEGMENT characters, each with MAX_CUSTOM_MATCH characters of overlap
 * after it and the character before it (so `\b` and `(?m)^` see what precedes the segment).
 */
export function* segments(whole: string): Generator<Segment> {
  const text = wellFormed(whole);
  for (let base = 0; base < text.length; ) {
    const coreEnd = Math.min(text.length, base + SEGMENT);
    let end = Math.min(text.length, coreEnd + MAX_CUSTOM_MATCH);
    if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end++;
    let from = base === 0 ? 0 : base - 1;
    if (from > 0 && isLowSurrogate(text.charCodeAt(from))) from--;
    const slice = text.slice(from, end);
    yield {
      text: slice,
      base: from,
      first: base - from,
      limit: coreEnd - from,
      astral: SURROGATE.test(slice),
    };
    base = coreEnd;
    if (base < text.length && isLowSurrogate(text.charCodeAt(base))) base++;
  }
}

/**
 * Every non-overlapping match of `re` (from compileRe2) that starts in the segment between its first
 * offset (or `from`, if later) and its limit, until `found` returns false. Returns where the last
 * match ended (relative), so the caller can skip ahead, or -1 when `found` stopped it.
 */
export function matchesIn(
  re: Re2Pattern,
  segment: Segment,
  from: number,
  found: (start: number, end: number) => boolean,
): number {
  const { text, astral } = segment;
  let pos = Math.max(from, segment.first);
  let lastEnd = pos;
  while (pos < segment.limit) {
    re.lastIndex = astral ? codePointIndex(text, pos) : pos;
    const m = re.exec(text);
    if (m === null) break;
    const at = astral ? utf16Index(text, m.index) : m.index;
    if (at >= segment.limit) break;
    const length = m[0]?.length ?? 0;
    if (length === 0) {
      pos = at + 1;
      continue;
    }
    if (!found(segment.base + at, segment.base + at + length)) return -1;
    pos = at + length;
    lastEnd = pos;
  }
  return lastEnd;
}
