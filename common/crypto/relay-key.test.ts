import { describe, expect, it } from "vitest";
import {
  generateRelayKey,
  hashRelayKey,
  RELAY_KEY_PREFIX,
  relayKeyFingerprint,
  relayKeyPrefix,
} from "./relay-key.js";

describe("relay keys", () => {
  it("carry 256 random bits behind the prefix", () => {
    const key = generateRelayKey();
    expect(key.startsWith(RELAY_KEY_PREFIX)).toBe(true);
    expect(Buffer.from(key.slice(RELAY_KEY_PREFIX.length), "base64url")).toHaveLength(32);
    expect(generateRelayKey()).not.toBe(key);
  });

  it("hash to hex sha256; prefix and fingerprint reveal neither key nor hash", () => {
    const key = generateRelayKey();
    const hash = hashRelayKey(key);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(relayKeyPrefix(key)).toHaveLength(RELAY_KEY_PREFIX.length + 4);
    const fp = relayKeyFingerprint(hash);
    expect(hash).not.toContain(fp);
  });
});
