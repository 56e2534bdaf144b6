import { createHash, randomBytes } from "node:crypto";

/** Relay keys start with this so that secret scanners and people recognise them. */
export const RELAY_KEY_PREFIX = "krk_";

/** A new relay key: 256 random bits, base64url, behind the recognisable prefix. */
export function generateRelayKey(): string {
  return RELAY_KEY_PREFIX + randomBytes(32).toString("base64url");
}

/** What the gateway stores and looks keys up by: hex sha256 of the plaintext. */
export function hashRelayKey(plaintext: string): string {
  return createHash("sha256").update(plaintext, "utf8").digest("hex");
}

/** The visible start of a key, for status and audits (prefix plus 4 characters: 24 bits). */
export function relayKeyPrefix(plaintext: string): string {
  return plaintext.slice(0, RELAY_KEY_PREFIX.length + 4);
}

/** A short identifier derived from the hash that does not reveal the hash itself. */
export function relayKeyFingerprint(hash: string): string {
  return createHash("sha256").update(`kuberelay-fingerprint:${hash}`).digest("hex").slice(0, 16);
}
