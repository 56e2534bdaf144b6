import { ssnValid } from "../checksums.js";
import { contextBefore, eachMatch } from "../text-context.js";
import type { Detector } from "../types.js";

/**
 * US Social Security numbers: AAA-GG-SSSS (or spaced) under the SSA's never-issued rules. Nine bare
 * digits only count after a word that names an SSN.
 */

const GROUPED = /(?<![\w-])([0-9]{3})([- ])([0-9]{2})\2([0-9]{4})(?![\w-])/g;
const BARE = /(?<![\w-])([0-9]{3})([0-9]{2})([0-9]{4})(?![\w-])/g;
const SSN_WORDS = /\b(?:ssn|social security|social-security|ss#|ss no)/;
const NOT_AN_SSN =
  /\b(?:serial|part|sku|model|product|code|order|invoice|tracking|ticket|case|ref|po|phone|tel|fax|isbn)[\s:#-]*$/;

export const ssnDetector: Detector = {
  type: "ssn",
  kind: "pii",
  label: "SSN",
  detect(text, found) {
    eachMatch(GROUPED, text, (m) => {
      if (!ssnValid(m[1] ?? "", m[3] ?? "", m[4] ?? "")) return;
      // Spaced triples are too common elsewhere to count without being named.
      if (m[2] === " " && !contextBefore(text, m.index, SSN_WORDS, 40)) return;
      if (contextBefore(text, m.index, NOT_AN_SSN, 24)) return;
      found(m.index, m.index + m[0].length);
    });
    eachMatch(BARE, text, (m) => {
      if (!ssnValid(m[1] ?? "", m[2] ?? "", m[3] ?? "")) return;
      if (!contextBefore(text, m.index, SSN_WORDS, 40)) return;
      found(m.index, m.index + m[0].length);
    });
  },
};
