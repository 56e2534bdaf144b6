import { ibanChecksumValid } from "../checksums.js";
import { eachMatch } from "../text-context.js";
import type { Detector } from "../types.js";

/** IBANs: a country from the registry, exactly that country's length, and ISO 13616 mod 97. */

// SWIFT IBAN registry: country code → total length.
// biome-ignore format: a table reads better packed
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22,
  IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20,
  LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18,
  NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31,
  SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29,
  VA: 22, VG: 24, XK: 20, YE: 30,
};

const CANDIDATE = /(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])/g;

/**
 * The candidate can run on into the next word ("… 3000 AND"): cut it after the country's length
 * of alphanumerics, where a space must follow.
 */
function ibanEnd(value: string, length: number): number | undefined {
  let seen = 0;
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) === 32) continue;
    seen++;
    if (seen === length) return i + 1 === value.length || value.charCodeAt(i + 1) === 32 ? i + 1 : undefined;
  }
  return undefined;
}

export const ibanDetector: Detector = {
  type: "iban",
  kind: "pii",
  label: "IBAN",
  detect(text, found) {
    eachMatch(CANDIDATE, text, (m) => {
      const length = IBAN_LENGTHS[m[0].slice(0, 2)];
      if (length === undefined) return;
      const end = ibanEnd(m[0], length);
      if (end === undefined) return;
      if (ibanChecksumValid(m[0].slice(0, end).replaceAll(" ", ""))) found(m.index, m.index + end);
    });
  },
};
