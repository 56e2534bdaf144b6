import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { RedisScript } from "./redis-script.js";

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");

afterAll(async () => {
  await redis.quit();
});

describe("RedisScript", () => {
  it("loads itself with EVAL when Redis does not know its hash, then runs by EVALSHA", async () => {
    // A source no other test uses, so its hash cannot already be cached.
    const script = new RedisScript(`-- ${randomUUID()}\nreturn ARGV[1] .. KEYS[1]`);
    expect(await redis.script("EXISTS", script.sha)).toEqual([0]);
    expect(await script.run(redis, ["k"], ["a"])).toBe("ak");
    expect(await redis.script("EXISTS", script.sha)).toEqual([1]);
    expect(await script.run(redis, ["k"], ["b"])).toBe("bk");
  });

  it("passes other errors through", async () => {
    const script = new RedisScript(`-- ${randomUUID()}\nreturn redis.call('NO_SUCH_COMMAND')`);
    await expect(script.run(redis, [], [])).rejects.toThrow(/NO_SUCH_COMMAND|Unknown Redis command/i);
  });
});
