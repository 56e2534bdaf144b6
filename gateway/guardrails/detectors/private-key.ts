import { eachMatch } from "../text-context.js";
import type { Detector } from "../types.js";

/**
 * PEM private keys (PKCS#1, PKCS#8, EC, OpenSSH, encrypted, PGP) and Google service-account JSON.
 * A key counts from its BEGIN line: when no END line follows (a truncated paste, or a stream still
 * arriving) the finding runs over the base64 that follows, so no part of the key goes out.
 */

const BEGIN = /-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----/g;
const END = /-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----/g;
/** A PEM key is at most a few KB (RSA-8192 is 6.3 KB); look no further for its END line. */
export const MAX_PEM_CHARS = 16_384;

// Base64, line breaks, and the escaped `\n` a key has inside a JSON string.
function isPemBodyCode(c: number): boolean {
  return (
    (c >= 48 && c <= 57) ||
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    c === 43 || // +
    c === 47 || // /
    c === 61 || // =
    c === 92 || // backslash of \n
    c === 10 ||
    c === 13
  );
}

/**
 * Where the key that starts at `bodyStart` ends. `nextEnd` caches the END line found last, so a text
 * full of BEGIN lines and no END costs one search for END, not one per BEGIN.
 */
function pemEnd(text: string, bodyStart: number, nextEnd: { index: number; end: number }): number {
  if (nextEnd.index < bodyStart) {
    END.lastIndex = bodyStart;
    const m = END.exec(text);
    nextEnd.index = m === null ? Number.POSITIVE_INFINITY : m.index;
    nextEnd.end = m === null ? Number.POSITIVE_INFINITY : m.index + m[0].length;
  }
  const limit = Math.min(text.length, bodyStart + MAX_PEM_CHARS);
  if (nextEnd.index < limit) return nextEnd.end;
  let i = bodyStart;
  while (i < limit && isPemBodyCode(text.charCodeAt(i))) i++;
  return i;
}

export const privateKeyDetector: Detector = {
  type: "privateKey",
  kind: "secret",
  label: "PRIVATE_KEY",
  detect(text, found) {
    if (!text.includes("PRIVATE KEY")) return;
    let after = 0;
    const nextEnd = { index: -1, end: -1 };
    eachMatch(BEGIN, text, (m) => {
      if (m.index < after) return;
      after = pemEnd(text, m.index + m[0].length, nextEnd);
      found(m.index, after);
    });
  },
};

const SA_PRIVATE_KEY = /"private_key"\s*:\s*"/g;
const SA_PRIVATE_KEY_ID = /"private_key_id"\s*:\s*"([0-9a-f]{40})"/g;

/** The end of a JSON string value that starts at `from`: the first unescaped quote, bounded. */
function jsonStringEnd(text: string, from: number): number {
  const limit = Math.min(text.length, from + MAX_PEM_CHARS);
  let i = from;
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (c === 34) return i;
    i += c === 92 ? 2 : 1;
  }
  return Math.min(i, text.length);
}

/**
 * A service-account key file: both its private key and its key id, when the text says
 * `"type": "service_account"`. The key alone would be found as a PEM key; this names what leaked.
 */
export const gcpServiceAccountDetector: Detector = {
  type: "gcpServiceAccount",
  kind: "secret",
  label: "GCP_SERVICE_ACCOUNT",
  detect(text, found) {
    if (!/"type"\s*:\s*"service_account"/.test(text)) return;
    eachMatch(SA_PRIVATE_KEY, text, (m) => {
      const start = m.index + m[0].length;
      found(start, jsonStringEnd(text, start));
    });
    eachMatch(SA_PRIVATE_KEY_ID, text, (m) => {
      const start = m.index + m[0].length - 41;
      found(start, start + 40);
    });
  },
};
