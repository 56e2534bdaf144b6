import { randomUUID } from "node:crypto";
import { connect, createServer, type Server, type Socket } from "node:net";
import { Redis } from "ioredis";
import { Registry } from "prom-client";
import { afterAll, describe, expect, it } from "vitest";
import type { Limits } from "../../common/schemas/shared-types.js";
import { createLimiter } from "./create-limiter.js";
import type { AdmitRequest } from "./limiter.js";
import { limiterMetrics } from "./limiter-metrics.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
/** Nothing listens on port 1, so connecting fails at once, like a Redis Service with no endpoints. */
const CLOSED_PORT_URL = "redis://127.0.0.1:1";

const limited = (): AdmitRequest["scopes"] => [
  { id: `key:ns/${randomUUID()}`, limits: { requestsPerMinute: 1 } },
];

describe("Redis unreachable", () => {
  it("fail-open admits unchecked and reports the error within a second", async () => {
    const registry = new Registry();
    const metrics = limiterMetrics(registry);
    const errors: unknown[] = [];
    const started = performance.now();
    const limiter = await createLimiter({
      redisUrl: CLOSED_PORT_URL,
      metrics,
      onStoreError: (e) => errors.push(e),
    });
    try {
      const admission = await limiter.admit({ scopes: limited(), failOpen: true });
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(admission.allowed).toBe(true);
      expect(admission.headers).toEqual({});
      if (admission.allowed) await admission.finish({ inputTokens: 1, outputTokens: 1, costUsd: 1 });
      expect(errors).toHaveLength(1);
      const text = await registry.metrics();
      expect(text).toContain("kuberelay_gateway_limit_store_errors_total 1");
      expect(text).toContain("kuberelay_gateway_limit_store_up 0");
    } finally {
      await limiter.close();
    }
  });

  it("fail-closed refuses with store_unavailable and retry-after 1", async () => {
    const registry = new Registry();
    const metrics = limiterMetrics(registry);
    const limiter = await createLimiter({ redisUrl: CLOSED_PORT_URL, metrics, onStoreError: () => {} });
    try {
      const started = performance.now();
      const admission = await limiter.admit({ scopes: limited(), failOpen: false });
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(admission).toMatchObject({
        allowed: false,
        reason: "store_unavailable",
        retryAfterSeconds: 1,
        headers: { "retry-after": "1" },
      });
      expect(await registry.metrics()).toContain(
        'kuberelay_gateway_limit_rejections_total{reason="store_unavailable"} 1',
      );
    } finally {
      await limiter.close();
    }
  });

  it("still admits scopes that have nothing to enforce, without touching the store", async () => {
    const errors: unknown[] = [];
    const limiter = await createLimiter({ redisUrl: CLOSED_PORT_URL, onStoreError: (e) => errors.push(e) });
    try {
      const admission = await limiter.admit({ scopes: [{ id: "key:ns/free" }], failOpen: false });
      expect(admission.allowed).toBe(true);
      // Body-size and output-token limits apply to the request itself: nothing for the store. The
      // pipeline hands the key's compiled limits over whole, these two included.
      const compiled: Limits = { maxRequestBodyBytes: 1024, maxOutputTokens: 64 };
      const capped = await limiter.admit({
        scopes: [{ id: "key:ns/capped", limits: compiled }],
        failOpen: false,
      });
      expect(capped.allowed).toBe(true);
      expect(errors).toHaveLength(0);
    } finally {
      await limiter.close();
    }
  });

  it("a throwing onStoreError hook does not fail the admission", async () => {
    const limiter = await createLimiter({
      redisUrl: CLOSED_PORT_URL,
      onStoreError: () => {
        throw new Error("hook bug");
      },
    });
    try {
      expect((await limiter.admit({ scopes: limited(), failOpen: true })).allowed).toBe(true);
    } finally {
      await limiter.close();
    }
  });
});

describe("Redis going away and coming back", () => {
  const proxy = new FlakyProxy(new URL(REDIS_URL));
  const prefix = `kuberelay-test:${randomUUID()}:`;

  afterAll(async () => {
    await proxy.stop();
    const admin = new Redis(REDIS_URL);
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });

  it("applies limits again once the connection is back, without a restart", async () => {
    const port = await proxy.start();
    const errors: unknown[] = [];
    const limiter = await createLimiter({
      redisUrl: `redis://127.0.0.1:${port}`,
      keyPrefix: prefix,
      onStoreError: (e) => errors.push(e),
    });
    try {
      const req = { scopes: limited(), failOpen: true };
      expect((await limiter.admit(req)).headers).toHaveProperty("x-ratelimit-limit-requests", "1");

      await proxy.stop();
      const during = await limiter.admit(req);
      expect(during).toMatchObject({ allowed: true, headers: {} });
      expect(errors.length).toBeGreaterThan(0);

      await proxy.start(port);
      // ioredis retries with a back-off of at most 2 s; the limit applies again once it is through.
      const deadline = Date.now() + 10_000;
      let after = await limiter.admit(req);
      while (after.allowed && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        after = await limiter.admit(req);
      }
      expect(after).toMatchObject({ allowed: false, reason: "requests_per_minute" });
    } finally {
      await limiter.close();
    }
  }, 20_000);
});

/** A TCP proxy to Redis that can be stopped (dropping every connection) and started again on the same port. */
class FlakyProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly target: URL) {}

  start(port = 0): Promise<number> {
    const server = createServer((client) => {
      const upstream = connect(Number(this.target.port || 6379), this.target.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    this.server = server;
    return new Promise((resolve) =>
      server.listen(port, "127.0.0.1", () => {
        const address = server.address();
        resolve(typeof address === "object" && address !== null ? address.port : port);
      }),
    );
  }

  stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    return new Promise((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  }
}
