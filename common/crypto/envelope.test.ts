import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { localKeyId, localMasterKey, open, parseMasterKey, seal } from "./envelope.js";

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

describe("key-encryption key ids", () => {
  it("names a local key by a fingerprint that differs per key and never contains it", () => {
    const key = randomBytes(32);
    const id = localKeyId(key);
    expect(id).toMatch(/^local:[0-9a-f]{16}$/);
    expect(localMasterKey(key).id).toBe(id);
    expect(localKeyId(randomBytes(32))).not.toBe(id);
    expect(id).not.toContain(key.toString("hex").slice(0, 16));
  });

  it("says which key an envelope needs and which keys are held, without key material", async () => {
    const a = randomBytes(32);
    const b = randomBytes(32);
    const env = await seal(localMasterKey(a), "sk-x", "ns/p");
    const error = await open(localMasterKey(b), env, "ns/p").catch((e: Error) => e);
    expect(String(error)).toContain(`sealed with key-encryption key "${localKeyId(a)}"`);
    expect(String(error)).toContain(localKeyId(b));
    expect(String(error)).not.toContain(a.toString("base64"));
    expect(String(error)).not.toContain(b.toString("base64"));
  });

  it("uses a KEK's own data-key generator when it has one", async () => {
    const inner = localMasterKey(randomBytes(32));
    let generated = 0;
    const kek = {
      ...inner,
      async generateDataKey(context: string) {
        generated++;
        const plaintext = randomBytes(32);
        return { plaintext, wrapped: await inner.wrap(plaintext, context) };
      },
    };
    const env = await seal(kek, "sk-y", "ns/p");
    expect(generated).toBe(1);
    expect(await open(inner, env, "ns/p")).toBe("sk-y");
  });
});
