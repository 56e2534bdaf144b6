import { randomBytes } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Providers' ids are alphanumeric; a slight modulo bias does not matter for a mock. */
export function randomAlphanumeric(length: number): string {
  let out = "";
  for (const byte of randomBytes(length)) out += ALPHABET.charAt(byte % ALPHABET.length);
  return out;
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}
