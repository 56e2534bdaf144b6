import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { contentKey, contentKeysFromEnv, openContent, sealContent } from "./content-key.js";

const key = contentKey(randomBytes(32));
const prompt = Buffer.from('{"messages":[{"role":"user","content":"the quarterly numbers"}]}');

describe("content keys", () => {
  it("seals with a fresh nonce each time, and opens only with the same key and binding", () => {
    const a = sealContent(key, prompt, "req_1:request");
    const b = sealContent(key, prompt, "req_1:request");
    expect(a.equals(b)).toBe(false);
    expect(a.includes(Buffer.from("quarterly"))).toBe(false);
    expect(openContent(key, a, "req_1:request").equals(prompt)).toBe(true);
  });

  it("security: refuses another row's or direction's binding, a wrong key, a flipped bit, a stub", () => {
    const sealed = sealContent(key, prompt, "req_1:request");
    expect(() => openContent(key, sealed, "req_2:request")).toThrow();
    expect(() => openContent(key, sealed, "req_1:response")).toThrow();
    expect(() => openContent(contentKey(randomBytes(32)), sealed, "req_1:request")).toThrow();
    const flipped = Buffer.from(sealed);
    flipped[20] = (flipped[20] ?? 0) ^ 1;
    expect(() => openContent(key, flipped, "req_1:request")).toThrow();
    expect(() => openContent(key, Buffer.alloc(10), "req_1:request")).toThrow("too short");
  });

  it("names keys by a hash, never by their bytes, and reads current and previous keys from the environment", () => {
    const raw = randomBytes(32);
    const named = contentKey(raw);
    expect(named.id).toMatch(/^content:[0-9a-f]{16}$/);
    expect(named.id).not.toContain(raw.toString("hex").slice(0, 8));
    const old = randomBytes(32);
    const keys = contentKeysFromEnv({
      KUBERELAY_CONTENT_KEY: raw.toString("base64"),
      KUBERELAY_CONTENT_KEY_PREVIOUS: ` ${old.toString("base64")} ,`,
    });
    expect(keys.current?.id).toBe(named.id);
    expect(keys.all.map((k) => k.id)).toEqual([named.id, contentKey(old).id]);
    expect(contentKeysFromEnv({}).current).toBeUndefined();
    expect(() => contentKeysFromEnv({ KUBERELAY_CONTENT_KEY: "c2hvcnQ=" })).toThrow(/32 bytes/);
    expect(() => contentKey(Buffer.alloc(16))).toThrow(/32 bytes/);
  });
});
