import { eachMatch, isWordCode, shannonEntropy } from "../text-context.js";
import type { Detector } from "../types.js";

/**
 * Random-looking tokens: the secrets no prefix names (a database password, a webhook signing key,
 * another provider's API key). A token counts when it is 24–256 characters of base64/base64url, mixes
 * upper case, lower case and digits, and is about as random as random base64 of its length.
 *
 * Tuned on the corpus and on 2,000 random tokens per length: for random base64url the 0.1% entropy
 * quantile is 3.74 bits at 24 characters, 4.12 at 32, 4.36 at 40 and 4.87 at 64, so the bar is
 * log2(length) − 1 (capped at 4.6), which keeps ≥ 99.9% of them. Identifiers such as
 * `MyApplicationController2024` pass on entropy but are mostly words: a token whose letters sit in
 * word-shaped runs for 70% or more of its length is an identifier (random base64 reaches that in
 * under 1% of cases at 24 characters, fewer when longer). UUIDs and hex digests have no upper case.
 * Longer than 256 characters is a data blob (an image, a file), not a credential.
 */

// Starts only where a run starts, so each run is read once (no retry from every character inside it).
const TOKEN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{24,}={0,2}/g;
const MAX_TOKEN = 256;
const WORDS = /[A-Z]?[a-z]{3,}|[A-Z]{4,}/g;

function wordShare(token: string): number {
  let inWords = 0;
  for (const m of token.matchAll(WORDS)) inWords += m[0].length;
  return inWords / token.length;
}

export function looksLikeSecret(token: string): boolean {
  if (token.length < 24 || token.length > MAX_TOKEN) return false;
  if (!/[A-Z]/.test(token) || !/[a-z]/.test(token) || !/[0-9]/.test(token)) return false;
  if (shannonEntropy(token) < Math.min(Math.log2(token.length) - 1, 4.6)) return false;
  return wordShare(token) < 0.7;
}

/** Separators at the edges belong to the surrounding text (`--flag=`, `/path/`), not to the token. */
function trimmed(value: string): [number, number] {
  let start = 0;
  let end = value.length;
  while (start < end && "-_/+=".includes(value.charAt(start))) start++;
  while (end > start && "-_/".includes(value.charAt(end - 1))) end--;
  return [start, end];
}

export const highEntropyDetector: Detector = {
  type: "highEntropy",
  kind: "secret",
  label: "SECRET",
  detect(text, found) {
    eachMatch(TOKEN, text, (m) => {
      // Glued to a word on either side through a character outside the class ("." or ":"), it
      // is part of a URL, a hostname or a dotted path: let the dedicated detectors decide.
      const [from, to] = trimmed(m[0]);
      const start = m.index + from;
      const end = m.index + to;
      if (start > 0 && isWordCode(text.charCodeAt(start - 1))) return;
      if (looksLikeSecret(text.slice(start, end))) found(start, end);
    });
  },
};
