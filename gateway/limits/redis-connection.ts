import { Redis } from "ioredis";

export interface RedisConnectionOptions {
  commandTimeoutMs: number;
  /** Told whenever the connection comes up (true) or goes away (false). */
  onStatus: (up: boolean) => void;
}

/**
 * A client that answers or fails fast and never queues: admission waits on it, and a request
 * stuck behind a dead Redis is worse than one admitted or refused at once. ioredis keeps
 * reconnecting in the background (its default back-off, up to 2 s apart), so limits apply again
 * as soon as Redis is back.
 */
export function connectRedis(url: string, options: RedisConnectionOptions): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    commandTimeout: options.commandTimeoutMs,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    connectionName: "kuberelay-gateway-limits",
  });
  redis.on("ready", () => options.onStatus(true));
  redis.on("close", () => options.onStatus(false));
  // Without a listener ioredis logs every failed reconnect; admission failures are reported instead.
  redis.on("error", () => options.onStatus(false));
  return redis;
}

/** Resolves once the client is ready, has failed a first time, or `ms` have passed — whichever is first. */
export function settled(redis: Redis, ms: number): Promise<void> {
  if (redis.status === "ready") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off("ready", done);
      redis.off("error", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    redis.once("ready", done);
    redis.once("error", done);
  });
}
