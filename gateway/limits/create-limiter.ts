import { gatedLimiter } from "./gated-limiter.js";
import type { LimitStore, ResumedSpend } from "./limit-store.js";
import type { Limiter } from "./limiter.js";
import type { LimiterMetrics } from "./limiter-metrics.js";
import { MemoryStore } from "./memory-store.js";
import { connectRedis, settled } from "./redis-connection.js";
import { DEFAULT_KEY_PREFIX } from "./redis-keys.js";
import { RedisStore } from "./redis-store.js";
import { timingAt } from "./timing.js";

export interface LimiterOptions {
  /** Shared counters for all replicas; without it counters live in this process (one replica only). */
  redisUrl?: string;
  /** Prefix of every Redis key; default "kuberelay:limits:". */
  keyPrefix?: string;
  /** Told about every failed store operation; the answer is then fail-open or store_unavailable. */
  onStoreError?: (err: unknown) => void;
  metrics?: LimiterMetrics;
  /** How long a concurrency lease lives if `finish` never comes (a gateway died); default 10 min. */
  leaseTtlMs?: number;
  /** Per Redis command; default 250 ms. */
  commandTimeoutMs?: number;
  /** How long creation waits for a first Redis connection before serving anyway; default 1 s. */
  connectWaitMs?: number;
  /** Epoch ms; tests move time without sleeping. */
  clock?: () => number;
  /**
   * Each scope's spend so far this UTC day and month, by the usage ledger. Budgets are raised to
   * it (never lowered) when counting starts: at creation in memory, so budgets hold across a
   * restart; on every (re)connection to Redis, so a Redis that restarted without its data does
   * not forget what was spent.
   */
  spendFloor?: () => Promise<readonly ResumedSpend[]>;
  /** Told each time the floor was applied (how many scopes), or why it could not be. */
  onSpendFloor?: (outcome: { scopes: number; backend: LimitStore["backend"] } | { error: unknown }) => void;
}

export const DEFAULT_LEASE_TTL_MS = 10 * 60_000;

/**
 * A limiter backed by Redis when `redisUrl` is set, else by memory. Resolves once Redis has
 * connected, refused, or `connectWaitMs` passed; it never fails for an unreachable Redis — that is
 * reported per admission, and the client keeps reconnecting.
 */
export async function createLimiter(options: LimiterOptions = {}): Promise<Limiter> {
  const { metrics, onStoreError, clock = Date.now, leaseTtlMs = DEFAULT_LEASE_TTL_MS } = options;
  const gate = { clock, metrics, onStoreError, leaseTtlMs };
  if (options.redisUrl === undefined) {
    metrics?.storeUp.set(1);
    const store = new MemoryStore(leaseTtlMs);
    const floor = () => applySpendFloor(store, options, clock);
    await floor();
    return { ...gatedLimiter(store, gate), applySpendFloor: floor };
  }
  metrics?.storeUp.set(0);
  const redis = connectRedis(options.redisUrl, {
    commandTimeoutMs: options.commandTimeoutMs ?? 250,
    onStatus: (up) => metrics?.storeUp.set(up ? 1 : 0),
  });
  const store = new RedisStore(redis, options.keyPrefix ?? DEFAULT_KEY_PREFIX, leaseTtlMs);
  const floor = () => applySpendFloor(store, options, clock);
  if (options.spendFloor) redis.on("ready", () => void floor());
  await settled(redis, options.connectWaitMs ?? 1_000);
  return { ...gatedLimiter(store, gate), applySpendFloor: floor };
}

async function applySpendFloor(
  store: LimitStore,
  options: LimiterOptions,
  clock: () => number,
): Promise<void> {
  if (!options.spendFloor) return;
  try {
    const spend = await options.spendFloor();
    await store.raiseSpend(spend, timingAt(clock()));
    options.onSpendFloor?.({ scopes: spend.length, backend: store.backend });
  } catch (error) {
    options.onSpendFloor?.({ error });
  }
}
