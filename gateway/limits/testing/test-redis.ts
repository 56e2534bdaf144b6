import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll } from "vitest";

/**
 * Call at a test file's top level: the machine's Redis (REDIS_URL, CI has it too) and a key
 * prefix of the file's own; its keys are deleted and the connection closed after the file.
 */
export function testRedis(): { redis: Redis; prefix: string } {
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  const prefix = `kuberelay-test:${randomUUID()}:`;
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });
  return { redis, prefix };
}
