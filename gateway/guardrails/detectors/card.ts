import { luhnValid } from "../checksums.js";
import { eachMatch } from "../text-context.js";
import type { Detector } from "../types.js";

/**
 * Payment card numbers: 12–19 digits, optionally grouped by spaces or dashes, from a known issuer
 * range, passing Luhn. The issuer table keeps Luhn's one-in-ten chance from flagging arbitrary
 * 16-digit ids.
 */

const CANDIDATE = /(?<![\w-])[0-9](?:[ -]?[0-9]){11,18}(?![\w-])/g;

interface Issuer {
  prefix: RegExp;
  lengths: readonly number[];
}

const ISSUERS: readonly Issuer[] = [
  { prefix: /^4/, lengths: [13, 16, 19] }, // Visa
  { prefix: /^(?:5[1-5]|222[1-9]|22[3-9][0-9]|2[3-6][0-9]{2}|27[01][0-9]|2720)/, lengths: [16] }, // Mastercard
  { prefix: /^3[47]/, lengths: [15] }, // American Express
  { prefix: /^(?:6011|64[4-9]|65)/, lengths: [16, 17, 18, 19] }, // Discover
  { prefix: /^(?:30[0-5]|3095|36|3[89])/, lengths: [14, 15, 16, 17, 18, 19] }, // Diners Club
  { prefix: /^(?:352[89]|35[3-8][0-9])/, lengths: [16, 17, 18, 19] }, // JCB
  { prefix: /^62/, lengths: [16, 17, 18, 19] }, // UnionPay
  { prefix: /^(?:5[06-8]|6[37])/, lengths: [12, 13, 14, 15, 16, 17, 18, 19] }, // Maestro
];

function knownIssuer(digits: string): boolean {
  return ISSUERS.some((issuer) => issuer.prefix.test(digits) && issuer.lengths.includes(digits.length));
}

/** Ungrouped, or grouped by one separator the way cards are printed (4-4-4-4…, 4-6-5, 4-6-4). */
function groupedLikeACard(value: string): boolean {
  const groups = value.split(/[ -]/);
  if (groups.length === 1) return true;
  if (/ /.test(value) && /-/.test(value)) return false;
  const sizes = groups.map((g) => g.length).join("-");
  if (sizes === "4-6-5" || sizes === "4-6-4") return true;
  return groups.every((g, i) => (i < groups.length - 1 ? g.length === 4 : g.length >= 1 && g.length <= 4));
}

export const cardDetector: Detector = {
  type: "card",
  kind: "pii",
  label: "CARD",
  detect(text, found) {
    eachMatch(CANDIDATE, text, (m) => {
      const value = m[0];
      const digits = value.replace(/[ -]/g, "");
      if (!knownIssuer(digits) || !groupedLikeACard(value) || !luhnValid(digits)) return;
      found(m.index, m.index + value.length);
    });
  },
};
