import type { Logger } from "../common/log.js";

export type Reconcile = (key: string) => Promise<void>;

/**
 * A deduplicating work queue: a key added while pending runs once; a key added while running
 * runs again afterwards (never twice at the same time, whatever the number of workers); a
 * failed key is retried with capped exponential backoff. Handlers receive keys only and
 * re-read state (level-triggered).
 */
export class WorkQueue {
  private readonly pending = new Set<string>();
  private readonly running = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private sleepers: Array<() => void> = [];
  private stopped = false;
  private idleWaiters: Array<() => void> = [];
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    private readonly reconcile: Reconcile,
    private readonly log: Logger,
    private readonly baseDelayMs = 200,
    private readonly maxDelayMs = 30_000,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    if (this.running.has(key)) {
      this.dirty.add(key);
      return;
    }
    this.pending.add(key);
    this.wakeAll();
  }

  private wakeAll(): void {
    for (const wake of this.sleepers.splice(0)) wake();
  }

  addAfter(key: string, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.add(key);
    }, delayMs);
    this.timers.add(timer);
  }

  /** Runs `workers` loops that take keys until stop(). */
  async run(workers = 1): Promise<void> {
    await Promise.all(Array.from({ length: workers }, () => this.work()));
  }

  private async work(): Promise<void> {
    while (!this.stopped) {
      const next = this.pending.values().next();
      if (next.done) {
        if (this.running.size === 0) for (const w of this.idleWaiters.splice(0)) w();
        await new Promise<void>((resolve) => this.sleepers.push(resolve));
        continue;
      }
      const processing = this.process(next.value);
      this.inflight.add(processing);
      await processing;
      this.inflight.delete(processing);
    }
  }

  private async process(key: string): Promise<void> {
    this.pending.delete(key);
    this.running.add(key);
    try {
      await this.reconcile(key);
      this.failures.delete(key);
    } catch (err) {
      const attempts = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, attempts);
      const delay = Math.min(this.baseDelayMs * 2 ** (attempts - 1), this.maxDelayMs);
      this.log.warn("reconcile failed; requeued", { key, attempts, retryInMs: delay, error: err });
      this.addAfter(key, delay);
    } finally {
      this.running.delete(key);
      if (this.dirty.delete(key)) this.add(key);
    }
  }

  /** Resolves when nothing is pending (for tests and orderly shutdown). */
  idle(): Promise<void> {
    if (this.pending.size === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking keys; resolves once the reconcile in flight, if any, has finished its writes. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.wakeAll();
    await Promise.all(this.inflight);
  }
}
