import { luhnValid, mod97 } from "../checksums.js";
import type { SeededRandom } from "./random.js";

/** Generators of valid (checksum-passing, in-range) PII values for the corpus. All fictitious. */

const FIRST = [
  "jane",
  "omar",
  "li",
  "maria",
  "kwame",
  "sven",
  "aiko",
  "pedro",
  "fatima",
  "noah",
  "ines",
  "raj",
];
const LAST = [
  "doe",
  "haddad",
  "wei",
  "garcia",
  "mensah",
  "larsen",
  "tanaka",
  "silva",
  "khan",
  "smith",
  "moreau",
];
const DOMAINS = [
  "example.com",
  "mail.example.org",
  "corp.example.net",
  "uni.example.ac.uk",
  "example.io",
  "shop.example.de",
];

export function email(r: SeededRandom): string {
  const sep = r.pick([".", "_", "", "-"]);
  const tag = r.int(0, 4) === 0 ? `+${r.pick(["news", "work", "x1"])}` : "";
  return `${r.pick(FIRST)}${sep}${r.pick(LAST)}${tag}@${r.pick(DOMAINS)}`;
}

export function phone(r: SeededRandom): string {
  const nanp = () => `${r.int(2, 9)}${r.digits(2)}`;
  return r.pick([
    () => `+44 20 7946 ${r.digits(4)}`,
    () => `+1 ${nanp()} 555 ${r.digits(4)}`,
    () => `+1-${nanp()}-555-${r.digits(4)}`,
    () => `(${nanp()}) 555-${r.digits(4)}`,
    () => `${nanp()}-555-${r.digits(4)}`,
    () => `${nanp()}.555.${r.digits(4)}`,
    () => `+33 1 ${r.digits(2)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`,
    () => `+49 30 ${r.digits(7)}`,
    () => `+1${nanp()}555${r.digits(4)}`,
    () => `+91 98765 ${r.digits(5)}`,
    () => `+61 4${r.digits(2)} ${r.digits(3)} ${r.digits(3)}`,
    () => `1-800-555-${r.digits(4)}`,
  ])();
}

/** Phones only found with a phone word before them: the corpus writes one. */
export function nationalPhone(r: SeededRandom): string {
  return r.pick([
    () => `07700 ${r.digits(6)}`,
    () => `020 7946 ${r.digits(4)}`,
    () => `030 ${r.digits(4)} ${r.digits(4)}`,
  ])();
}

function withLuhn(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error("unreachable");
}

export function card(r: SeededRandom): string {
  const [prefix, length] = r.pick<[string, number]>([
    ["4", 16],
    ["51", 16],
    ["55", 16],
    ["2221", 16],
    ["34", 15],
    ["37", 15],
    ["6011", 16],
    ["3530", 16],
    ["62", 16],
  ]);
  const digits = withLuhn(prefix + r.digits(length - prefix.length - 1));
  const style = r.int(0, 2);
  if (style === 0) return digits;
  const sep = style === 1 ? " " : "-";
  if (length === 15) return [digits.slice(0, 4), digits.slice(4, 10), digits.slice(10)].join(sep);
  return digits.match(/.{1,4}/g)?.join(sep) ?? digits;
}

const IBAN_COUNTRIES: [string, number][] = [
  ["DE", 22],
  ["GB", 22],
  ["FR", 27],
  ["ES", 24],
  ["NL", 18],
  ["IT", 27],
  ["BE", 16],
  ["CH", 21],
  ["PL", 28],
  ["SE", 24],
];

export function iban(r: SeededRandom, grouped = r.int(0, 1) === 1): string {
  const [country, length] = r.pick(IBAN_COUNTRIES);
  const bban = r.digits(length - 4);
  const check = String(98 - mod97(`${bban}${country}00`)).padStart(2, "0");
  const compact = `${country}${check}${bban}`;
  return grouped ? (compact.match(/.{1,4}/g)?.join(" ") ?? compact) : compact;
}

export function ssn(r: SeededRandom): string {
  let area = r.int(1, 899);
  if (area === 666) area = 667;
  return `${String(area).padStart(3, "0")}-${String(r.int(1, 99)).padStart(2, "0")}-${String(r.int(1, 9999)).padStart(4, "0")}`;
}

const DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";

export function nationalId(r: SeededRandom): string {
  return r.pick([
    () => {
      const first = r.pick([..."ABCEGHJKLMNOPRSTWXYZ"]);
      const second = r.pick([..."ABCEGHJKLMNPRSTWXYZ"]);
      const prefix = `${first}${second}`;
      const safe = ["BG", "GB", "NK", "KN", "TN", "NT", "ZZ"].includes(prefix) ? "AB" : prefix;
      return `${safe}${r.digits(6)}${r.pick(["A", "B", "C", "D"])}`;
    },
    () => {
      const n = r.int(10_000_000, 99_999_999);
      return `${n}${DNI_LETTERS.charAt(n % 23)}`;
    },
    () => {
      const body = `${r.int(1, 2)}${r.digits(2)}${String(r.int(1, 12)).padStart(2, "0")}${String(r.int(1, 95)).padStart(2, "0")}${r.digits(6)}`;
      return `${body}${String(97 - mod97(body)).padStart(2, "0")}`;
    },
  ])();
}

export function ip(r: SeededRandom): string {
  return r.pick([
    () =>
      `${r.pick([8, 23, 34, 52, 81, 93, 104, 151, 185, 203])}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`,
    () => `2001:db8:${r.hex(4)}::${r.hex(3)}`,
    () => `2a00:1450:4001:${r.hex(3)}::200e`,
  ])();
}
