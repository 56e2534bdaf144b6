/**
 * Timers that requeue a key at an instant: when a grace period or an expiry ends. One timer
 * per key, the earliest asked for. Long waits are split, since Node fires a timeout of more
 * than 2^31 ms (about 24.8 days) at once; waking early costs a reconcile that asks again.
 */
export class Wakeups {
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();

  constructor(
    private readonly fire: (key: string) => void,
    private readonly maxDelayMs = 3_600_000,
  ) {}

  at(key: string, when: number, now = Date.now()): void {
    const existing = this.timers.get(key);
    if (existing && existing.at <= when) return;
    if (existing) clearTimeout(existing.timer);
    // A little past the instant, so that the reconcile it triggers sees the time as passed.
    const delay = Math.min(Math.max(0, when - now) + 20, this.maxDelayMs);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.fire(key);
    }, delay);
    timer.unref();
    this.timers.set(key, { at: when, timer });
  }

  stop(): void {
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
