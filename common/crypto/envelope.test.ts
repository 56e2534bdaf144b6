import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { localMasterKey, open, parseMasterKey, seal } from "./envelope.js";

describe("envelope encryption", () => {
  const kek = localMasterKey(randomBytes(32));
  const secret = "sk-live-provider-credential";

  it("round-trips and never holds the plaintext in the envelope", async () => {
    const env = await seal(kek, secret, "team-a/openai");
    expect(JSON.stringify(env)).not.toContain(secret);
    expect(await open(kek, env, "team-a/openai")).toBe(secret);
  });

  it("uses a fresh data key each time", async () => {
    const a = await seal(kek, secret, "ns/p");
    const b = await seal(kek, secret, "ns/p");
    expect(a.wrappedKey).not.toBe(b.wrappedKey);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it("refuses an envelope moved to another provider", async () => {
    const env = await seal(kek, secret, "team-a/openai");
    await expect(open(kek, env, "team-b/openai")).rejects.toThrow();
  });

  it("refuses the wrong master key", async () => {
    const env = await seal(kek, secret, "ns/p");
    await expect(open(localMasterKey(randomBytes(32)), env, "ns/p")).rejects.toThrow();
  });

  it("explains a bad KUBERELAY_MASTER_KEY without echoing it", () => {
    expect(() => parseMasterKey(undefined)).toThrow(/not set/);
    expect(() => parseMasterKey("c2hvcnQ=")).toThrow(/32 bytes/);
    try {
      parseMasterKey("c2hvcnQ=");
    } catch (e) {
      expect(String(e)).not.toContain("c2hvcnQ=");
    }
  });
});
