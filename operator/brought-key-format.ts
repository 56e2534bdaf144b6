import { RELAY_KEY_PREFIX } from "../common/crypto/relay-key.js";
import { MAX_RELAY_KEY_LENGTH, MIN_RELAY_KEY_LENGTH } from "../common/schemas/relay-key.js";

/** krk_ then base64 or base64url characters: what a relay key looks like, and nothing else. */
const RELAY_KEY_FORMAT = new RegExp(`^${RELAY_KEY_PREFIX}[A-Za-z0-9+/=_-]+$`);

/**
 * Whether a value brought by secretRef looks like a relay key. A RelayKey may name any Secret
 * in its namespace (a database password too): only a value in the relay-key format is hashed
 * into the config, so a RelayKey cannot turn some other secret into a working key.
 */
export function looksLikeRelayKey(value: string): boolean {
  return (
    value.length >= MIN_RELAY_KEY_LENGTH &&
    value.length <= MAX_RELAY_KEY_LENGTH &&
    RELAY_KEY_FORMAT.test(value)
  );
}

export const relayKeyFormatHint = `a relay key: "${RELAY_KEY_PREFIX}" then base64 or base64url characters, ${MIN_RELAY_KEY_LENGTH} to ${MAX_RELAY_KEY_LENGTH} characters in all`;
