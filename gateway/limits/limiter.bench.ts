/**
 * Admission throughput and latency for the memory and Redis backends, beside a bare Redis PING as
 * the floor a Redis-backed admission cannot beat. Bounded loops; stops by itself.
 *
 *   npx tsx gateway/limits/limiter.bench.ts          (REDIS_URL defaults to redis://127.0.0.1:6379)
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { createLimiter } from "./create-limiter.js";
import type { AdmitRequest, Limiter } from "./limiter.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const SEQUENTIAL = 5_000;
const CONCURRENT_TOTAL = 20_000;
const IN_FLIGHT = 64;

/**
 * A key and its policy with every limit set high enough never to refuse: the full script path,
 * every time. Each request reserves against both budgets, as every request under a budget does.
 */
const request: AdmitRequest = {
  failOpen: false,
  reserveUsd: 0.002,
  scopes: [
    {
      id: "key:bench/key",
      limits: {
        requestsPerMinute: 1e9,
        tokensPerMinute: 1e12,
        requestsPerDay: 1e12,
        maxConcurrentRequests: 1e6,
      },
      budget: { usdPerDay: 1e9, usdPerMonth: 1e9 },
    },
    { id: "policy:bench/policy", limits: { requestsPerMinute: 1e9 }, budget: { usdPerMonth: 1e9 } },
  ],
};
const usage = { inputTokens: 100, outputTokens: 50, costUsd: 0.001 };

/** One request as the pipeline makes it; resolves to how long the admit part took (ms). */
type Op = () => Promise<number>;

interface Row {
  name: string;
  perSecond: number;
  /** Sorted latencies (ms) of the admit call, and of admit + finish, one request at a time. */
  admit: number[];
  total: number[];
}

function admitAndFinish(limiter: Limiter): Op {
  return async () => {
    const start = performance.now();
    const admission = await limiter.admit(request);
    const admitMs = performance.now() - start;
    if (!admission.allowed) throw new Error(`bench request refused: ${admission.reason}`);
    await admission.finish(usage);
    return admitMs;
  };
}

function timed(op: () => Promise<unknown>): Op {
  return async () => {
    const start = performance.now();
    await op();
    return performance.now() - start;
  };
}

async function sequential(op: Op, n: number): Promise<{ admit: number[]; total: number[] }> {
  const admit: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    admit.push(await op());
    total.push(performance.now() - start);
  }
  return { admit: admit.sort((a, b) => a - b), total: total.sort((a, b) => a - b) };
}

/** `IN_FLIGHT` workers making requests back to back until the total is done. */
async function throughput(op: Op, total: number): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next++ < total) await op();
    }),
  );
  return total / ((performance.now() - start) / 1000);
}

async function measure(name: string, op: Op, n: number): Promise<Row> {
  await sequential(op, 500); // warm-up: JIT, script cache, connection
  const { admit, total } = await sequential(op, n);
  return { name, perSecond: await throughput(op, CONCURRENT_TOTAL), admit, total };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

function print(rows: Row[]) {
  console.log(`2 scopes (key + policy), every limit set. req/s: ${IN_FLIGHT} in flight, admit then finish.`);
  console.log("Latencies in ms, one request at a time; the PING row has no finish.");
  const header = ["req/s", "admit p50", "admit p99", "+finish p50", "+finish p99"];
  console.log(`${"".padEnd(22)}${header.map((h) => h.padStart(12)).join("")}`);
  for (const r of rows) {
    const latencies = [r.admit, r.total].flatMap((s) => [percentile(s, 0.5), percentile(s, 0.99)]);
    const cells = [Math.round(r.perSecond).toString(), ...latencies.map((v) => v.toFixed(3))];
    console.log(`${r.name.padEnd(22)}${cells.map((c) => c.padStart(12)).join("")}`);
  }
}

async function main() {
  const rows: Row[] = [];
  const memory = await createLimiter();
  rows.push(await measure("memory", admitAndFinish(memory), SEQUENTIAL * 4));
  await memory.close();

  const prefix = `kuberelay-bench:${randomUUID()}:`;
  // A generous timeout: the benchmark measures latency, it should not turn slow answers into errors.
  const redis = await createLimiter({ redisUrl: REDIS_URL, keyPrefix: prefix, commandTimeoutMs: 2_000 });
  // A clock that moves half a second per call (one admit, one finish), so every second of the
  // minute holds counts: the most a window can hold.
  let fake = Date.now();
  const busy = await createLimiter({
    redisUrl: REDIS_URL,
    keyPrefix: prefix,
    commandTimeoutMs: 2_000,
    clock: () => (fake += 500),
  });
  const ping = new Redis(REDIS_URL);
  try {
    rows.push(
      await measure(
        "redis PING (baseline)",
        timed(() => ping.ping()),
        SEQUENTIAL,
      ),
    );
    rows.push(await measure("redis", admitAndFinish(redis), SEQUENTIAL));
    rows.push(await measure("redis, busy minute", admitAndFinish(busy), SEQUENTIAL));
  } finally {
    const keys = await ping.keys(`${prefix}*`);
    if (keys.length > 0) await ping.del(...keys);
    await ping.quit();
    await redis.close();
    await busy.close();
  }
  print(rows);
}

await main();
