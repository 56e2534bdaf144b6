/** Small helpers detectors share to look at what surrounds a candidate. */

export function isAsciiAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** Letter, digit or underscore: a candidate glued to one of these is part of a longer token. */
export function isWordCode(code: number): boolean {
  return isAsciiAlnum(code) || code === 95;
}

/** Is the character just before `start` (or at `end`) a word character? NaN (outside) is not. */
export function wordBefore(text: string, start: number): boolean {
  return start > 0 && isWordCode(text.charCodeAt(start - 1));
}

export function wordAfter(text: string, end: number): boolean {
  return end < text.length && isWordCode(text.charCodeAt(end));
}

/**
 * Does `words` (a regex anchored with `$`) match the `span` characters before `start`, lowercased?
 * Bounded by `span`, so a context check costs the same on any input.
 */
export function contextBefore(text: string, start: number, words: RegExp, span = 40): boolean {
  return words.test(text.slice(Math.max(0, start - span), start).toLowerCase());
}

/** Runs `re` (which must have the g flag) over `text`, calling `each` for every match. */
export function eachMatch(re: RegExp, text: string, each: (match: RegExpExecArray) => void): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    each(m);
    if (m[0].length === 0) re.lastIndex++;
  }
}

/** Shannon entropy of a string in bits per character. */
export function shannonEntropy(s: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
