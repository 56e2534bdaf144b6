/** Luhn (mod 10) over a string of ASCII digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * The remainder mod 97 of a string of base-36 digits read as one decimal number (letters
 * become 10..35), computed piecewise so it never needs a BigInt.
 */
export function mod97(alnum: string): number {
  let rest = 0;
  for (let i = 0; i < alnum.length; i++) {
    const c = alnum.charCodeAt(i);
    if (c >= 48 && c <= 57) rest = (rest * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rest = (rest * 100 + (c - 55)) % 97;
    else return -1;
  }
  return rest;
}

/** ISO 13616: move the first four characters to the end; the number mod 97 must be 1. */
export function ibanChecksumValid(compactUpper: string): boolean {
  return mod97(compactUpper.slice(4) + compactUpper.slice(0, 4)) === 1;
}

const DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";

/** Spanish DNI (8 digits) or NIE (X/Y/Z + 7 digits): the letter is the number mod 23. */
export function spanishIdValid(compactUpper: string): boolean {
  const lead = "XYZ".indexOf(compactUpper.charAt(0));
  const digits = lead >= 0 ? String(lead) + compactUpper.slice(1, 8) : compactUpper.slice(0, 8);
  if (!/^[0-9]{8}$/.test(digits)) return false;
  return DNI_LETTERS.charAt(Number(digits) % 23) === compactUpper.charAt(8);
}

/**
 * French NIR (numéro de sécurité sociale): 13 characters and a 2-digit key, key = 97 − (N mod 97).
 * Corsica's departments 2A and 2B count as 19 and 18.
 */
export function frenchNirValid(compactUpper: string): boolean {
  if (compactUpper.length !== 15) return false;
  const body = compactUpper.slice(0, 13).replace("2A", "19").replace("2B", "18");
  if (!/^[0-9]{13}$/.test(body)) return false;
  return 97 - mod97(body) === Number(compactUpper.slice(13));
}

/** US SSN rules: area not 000, 666 or 9xx; group not 00; serial not 0000; not the published samples. */
export function ssnValid(area: string, group: string, serial: string): boolean {
  if (area === "000" || area === "666" || area.charAt(0) === "9") return false;
  if (group === "00" || serial === "0000") return false;
  const whole = `${area}${group}${serial}`;
  // Printed on a wallet insert (1938) and in an ad campaign: public, never anyone's number.
  return whole !== "078051120" && whole !== "219099999";
}

/** UK National Insurance number prefixes that are never issued. */
const NINO_BAD_PREFIXES = new Set(["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"]);

export function ninoPrefixValid(prefix: string): boolean {
  return !NINO_BAD_PREFIXES.has(prefix);
}
