import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DataKeyCache } from "./data-key-cache.js";
import { type KeyEncryptionKey, localMasterKey, open, seal } from "./envelope.js";

function counting(kek: KeyEncryptionKey) {
  const counter = { unwraps: 0 };
  const wrapped: KeyEncryptionKey = {
    id: kek.id,
    wrap: (k, c) => kek.wrap(k, c),
    unwrap: (w, c) => {
      counter.unwraps++;
      return kek.unwrap(w, c);
    },
  };
  return { kek: wrapped, counter };
}

describe("DataKeyCache", () => {
  it("unwraps an unchanged envelope once, however often it is opened", async () => {
    const { kek, counter } = counting(localMasterKey(randomBytes(32)));
    const cache = new DataKeyCache();
    const cached = cache.around(kek);
    const env = await seal(kek, "sk-1", "ns/p");
    for (let i = 0; i < 5; i++) expect(await open(cached, env, "ns/p")).toBe("sk-1");
    expect(counter.unwraps).toBe(1);
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 4, misses: 1 });
    // A new envelope (re-sealed credential) is a new blob: one more unwrap.
    expect(await open(cached, await seal(kek, "sk-2", "ns/p"), "ns/p")).toBe("sk-2");
    expect(counter.unwraps).toBe(2);
  });

  it("keys on the context too, so a blob is not accepted for another provider", async () => {
    const kek = localMasterKey(randomBytes(32));
    const cached = new DataKeyCache().around(kek);
    const env = await seal(kek, "sk-1", "ns/p");
    expect(await open(cached, env, "ns/p")).toBe("sk-1");
    await expect(open(cached, env, "ns/other")).rejects.toThrow();
  });

  it("stays within its bound, dropping the least recently used key", async () => {
    const { kek, counter } = counting(localMasterKey(randomBytes(32)));
    const cache = new DataKeyCache(2);
    const cached = cache.around(kek);
    const envs = await Promise.all(["a", "b", "c"].map((s) => seal(kek, s, "ns/p")));
    const [a, b, c] = envs as [(typeof envs)[0], (typeof envs)[0], (typeof envs)[0]];
    await open(cached, a, "ns/p");
    await open(cached, b, "ns/p");
    await open(cached, a, "ns/p"); // a is now the most recent
    await open(cached, c, "ns/p"); // evicts b
    expect(cache.size).toBe(2);
    expect(counter.unwraps).toBe(3);
    await open(cached, a, "ns/p");
    expect(counter.unwraps).toBe(3);
    await open(cached, b, "ns/p");
    expect(counter.unwraps).toBe(4);
  });

  it("hands out copies, so a caller zeroing its data key does not poison the cache", async () => {
    const kek = localMasterKey(randomBytes(32));
    const cached = new DataKeyCache().around(kek);
    const env = await seal(kek, "sk-1", "ns/p");
    (await cached.unwrap(env.wrappedKey, "ns/p")).fill(0);
    (await cached.unwrap(env.wrappedKey, "ns/p")).fill(0);
    expect(await open(cached, env, "ns/p")).toBe("sk-1");
  });
});
