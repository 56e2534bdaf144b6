import type { LiveLease } from "./limit-store.js";
import type { Scope } from "./limiter.js";

/** Past this, an entry is a request whose finish never came (a bug), not one still running. */
const MAX_AGE_MS = 24 * 60 * 60_000;

/**
 * The requests admitted and not yet finished that hold a lease or a budget reservation. Both
 * expire one lease TTL after they are taken, so that those of a gateway that died go by
 * themselves; while this gateway runs, it renews them every third of a TTL, so a stream longer
 * than the TTL keeps counting against maxConcurrentRequests and keeps its reservation.
 */
export class LiveLeases {
  private readonly live = new Map<string, { lease: LiveLease; since: number }>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly renew: (leases: LiveLease[]) => Promise<void>,
    private readonly clock: () => number,
    leaseTtlMs: number,
  ) {
    this.timer = setInterval(() => void this.renewNow(), Math.max(1, Math.floor(leaseTtlMs / 3)));
    this.timer.unref();
  }

  /** Whether a request admitted on these scopes holds anything that expires. */
  static holds(scopes: readonly Scope[], reserveUsd: number): boolean {
    return scopes.some(
      (s) =>
        s.limits?.maxConcurrentRequests !== undefined ||
        (reserveUsd > 0 && (s.budget?.usdPerDay !== undefined || s.budget?.usdPerMonth !== undefined)),
    );
  }

  add(leaseId: string, scopes: readonly Scope[]): void {
    this.live.set(leaseId, { lease: { leaseId, scopes }, since: this.clock() });
  }

  delete(leaseId: string): void {
    this.live.delete(leaseId);
  }

  get size(): number {
    return this.live.size;
  }

  /** Renews every live lease now (the timer's work; tests call it with a clock of their own). */
  async renewNow(): Promise<void> {
    const now = this.clock();
    for (const [id, entry] of this.live) if (now - entry.since > MAX_AGE_MS) this.live.delete(id);
    if (this.live.size === 0) return;
    await this.renew([...this.live.values()].map((e) => e.lease));
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
