import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { localMasterKey, open, seal } from "./envelope.js";
import { KeyRing } from "./key-ring.js";
import { rewrap } from "./rewrap.js";

describe("rewrap", () => {
  const oldKey = localMasterKey(randomBytes(32));
  const newKey = localMasterKey(randomBytes(32));

  it("moves the data key to the new KEK and leaves the sealed credential untouched", async () => {
    const env = await seal(oldKey, "sk-live-123", "team-a/openai");
    const moved = await rewrap(new KeyRing(newKey, [oldKey]), env, newKey, "team-a/openai");
    expect(moved.kek).toBe(newKey.id);
    expect(moved.wrappedKey).not.toBe(env.wrappedKey);
    expect({ iv: moved.iv, ciphertext: moved.ciphertext, tag: moved.tag }).toEqual({
      iv: env.iv,
      ciphertext: env.ciphertext,
      tag: env.tag,
    });
    expect(await open(newKey, moved, "team-a/openai")).toBe("sk-live-123");
    await expect(open(oldKey, moved, "team-a/openai")).rejects.toThrow();
  });

  it("is a no-op for an envelope already under the target key", async () => {
    const env = await seal(newKey, "sk", "ns/p");
    expect(await rewrap(new KeyRing(newKey), env, newKey, "ns/p")).toBe(env);
  });

  it("fails clearly when the old key is not held, and for the wrong context", async () => {
    const env = await seal(oldKey, "sk", "ns/p");
    await expect(rewrap(new KeyRing(newKey), env, newKey, "ns/p")).rejects.toThrow(/does not hold/);
    await expect(rewrap(new KeyRing(newKey, [oldKey]), env, newKey, "ns/q")).rejects.toThrow();
  });
});
