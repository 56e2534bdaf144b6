import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * A Lua script run by EVALSHA, falling back to EVAL (which also caches it) when Redis does not know
 * the hash yet — after a restart or a failover the cache is empty, and this reloads it on demand.
 */
export class RedisScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash("sha1").update(source).digest("hex");
  }

  async run(redis: Redis, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith("NOSCRIPT"))) throw err;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
