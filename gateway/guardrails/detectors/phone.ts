import { contextBefore, eachMatch } from "../text-context.js";
import type { Detector } from "../types.js";

/**
 * Phone numbers. International numbers (`+` and a country code) count on their own; so do North
 * American numbers written with their usual punctuation. Bare national digit strings only count
 * after a word that says "phone", because otherwise they are order numbers and product codes.
 */

const INTERNATIONAL = /(?<![\w+])\+[1-9][0-9 ().-]{6,20}[0-9](?![\w-])/g;
// (555) 123-4567, 555-123-4567, 555.123.4567, 1-800-555-0199; area and exchange start with 2-9.
const NANP =
  /(?<![\w+.-])(?:1[-. ])?(?:\([2-9][0-9]{2}\) ?|[2-9][0-9]{2}([-.]))[2-9][0-9]{2}[-. ][0-9]{4}(?![\w-]|\.[0-9])/g;
// 0xx xxxx xxxx (UK, FR, DE…) or ten plain digits: only beside a phone word.
const NATIONAL =
  /(?<![\w+.-])(?:0[1-9](?:[ .-]?[0-9]){8,9}|[2-9][0-9]{2} [2-9][0-9]{2} [0-9]{4}|[2-9][0-9]{9})(?![\w-]|\.[0-9])/g;

const NOT_A_PHONE =
  /(?:\b(?:version|release|build|product|code|order|invoice|sku|part|serial|tracking|ref|reference|ticket|case|po|item|model|isbn|account|acct|iban|card|id|no\.?)|#)[\s:#-]*$/;
const PHONE_WORDS = /\b(?:phone|tel|mobile|cell|fax|whatsapp|landline|call|dial|sms|text|ring|contact|reach)/;

function digitCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

function plausibleInternational(value: string): boolean {
  const digits = digitCount(value);
  if (digits < 9 || digits > 15) return false;
  // Two separators in a row (other than a bracket beside a space) are arithmetic, not a number.
  if (/[ .-]{2}|[.-][ ]|\(\)|\(\(/.test(value)) return false;
  // +20240115 style dates or +1.5 arithmetic.
  return !/^\+[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(value);
}

export const phoneDetector: Detector = {
  type: "phone",
  kind: "pii",
  label: "PHONE",
  detect(text, found) {
    if (text.includes("+")) {
      eachMatch(INTERNATIONAL, text, (m) => {
        if (plausibleInternational(m[0])) found(m.index, m.index + m[0].length);
      });
    }
    eachMatch(NANP, text, (m) => {
      // 555-123.4567 mixes separators: a code, not a number.
      const sep = m[1];
      if (sep !== undefined && !m[0].endsWith(`${sep}${m[0].slice(-4)}`)) return;
      if (contextBefore(text, m.index, NOT_A_PHONE, 24)) return;
      found(m.index, m.index + m[0].length);
    });
    eachMatch(NATIONAL, text, (m) => {
      if (contextBefore(text, m.index, NOT_A_PHONE, 24)) return;
      if (!contextBefore(text, m.index, PHONE_WORDS, 48)) return;
      found(m.index, m.index + m[0].length);
    });
  },
};
