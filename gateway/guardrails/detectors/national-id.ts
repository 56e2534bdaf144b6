import { frenchNirValid, ninoPrefixValid, spanishIdValid } from "../checksums.js";
import { eachMatch } from "../text-context.js";
import type { Detector } from "../types.js";

/**
 * National ids beyond the US SSN, each with its format's own check: the UK National Insurance
 * number (prefix rules; it has no check digit), the Spanish DNI/NIE (mod-23 letter) and the French
 * NIR (mod-97 key).
 */

const NINO =
  /(?<![\w-])([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]) ?([0-9]{2}) ?([0-9]{2}) ?([0-9]{2}) ?([A-D])(?![\w-])/g;
const SPANISH = /(?<![\w-])(?:[0-9]{8}|[XYZ]-?[0-9]{7})-?[A-Z](?![\w-])/g;
const FRENCH =
  /(?<![\w-])[12] ?[0-9]{2} ?(?:0[1-9]|1[0-2]|[2-9][0-9]) ?(?:[0-9]{2}|2[AB]) ?[0-9]{3} ?[0-9]{3} ?[0-9]{2}(?![\w-])/g;

export const nationalIdDetector: Detector = {
  type: "nationalId",
  kind: "pii",
  label: "NATIONAL_ID",
  detect(text, found) {
    eachMatch(NINO, text, (m) => {
      if (ninoPrefixValid(m[1] ?? "")) found(m.index, m.index + m[0].length);
    });
    eachMatch(SPANISH, text, (m) => {
      if (spanishIdValid(m[0].replaceAll("-", ""))) found(m.index, m.index + m[0].length);
    });
    eachMatch(FRENCH, text, (m) => {
      if (frenchNirValid(m[0].replaceAll(" ", ""))) found(m.index, m.index + m[0].length);
    });
  },
};
