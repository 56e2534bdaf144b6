import type { Logger } from "../common/log.js";

export type Reconcile = (key: string) => Promise<void>;

/**
 * A deduplicating work queue with one worker: a key added while pending runs once; a key
 * added while running runs again afterwards; a failed key is retried with capped
 * exponential backoff. Handlers receive keys only and re-read state (level-triggered).
 */
export class WorkQueue {
  private readonly pending = new Set<string>();
  private readonly running = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private wake: (() => void) | undefined;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];
  private inflight: Promise<void> | undefined;

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
    this.wake?.();
  }

  addAfter(key: string, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.add(key);
    }, delayMs);
    this.timers.add(timer);
  }

  async run(): Promise<void> {
    while (!this.stopped) {
      const next = this.pending.values().next();
      if (next.done) {
        for (const w of this.idleWaiters.splice(0)) w();
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = undefined;
        continue;
      }
      this.inflight = this.process(next.value);
      await this.inflight;
      this.inflight = undefined;
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
      if (this.dirty.delete(key)) this.pending.add(key);
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
    this.wake?.();
    await this.inflight;
  }
}
