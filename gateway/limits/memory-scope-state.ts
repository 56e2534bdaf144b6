import type { Scope, Usage } from "./limiter.js";
import type { ScopeUsage } from "./scope-usage.js";
import type { WindowCounts, WindowPosition } from "./sliding-window.js";
import type { Timing } from "./timing.js";

/** A fixed-window pair that rolls forward lazily when read or written at a later index. */
class WindowPair {
  private index = Number.NEGATIVE_INFINITY;
  private current = 0;
  private previous = 0;

  countsAt(pos: WindowPosition): WindowCounts {
    if (pos.index === this.index) return { previous: this.previous, current: this.current };
    if (pos.index === this.index + 1) return { previous: this.current, current: 0 };
    return { previous: 0, current: 0 };
  }

  add(pos: WindowPosition, amount: number) {
    const counts = this.countsAt(pos);
    this.index = pos.index;
    this.previous = counts.previous;
    this.current = counts.current + amount;
  }

  /** Nothing left that a sliding window at `pos` would still count. */
  drainedAt = (pos: WindowPosition) => pos.index > this.index + 1;
}

/** Spend in one named period (a UTC day or month); a new period starts from zero. */
class PeriodSpend {
  private period = "";
  private usd = 0;

  at = (period: string) => (period === this.period ? this.usd : 0);

  add(period: string, usd: number) {
    this.usd = this.at(period) + usd;
    this.period = period;
  }
}

/** One scope's counters in the memory store. */
export class MemoryScopeState {
  private readonly requestsPerMinute = new WindowPair();
  private readonly tokensPerMinute = new WindowPair();
  private readonly requestsPerDay = new WindowPair();
  /** Lease id → expiry (epoch ms); expired leases are dropped when read. */
  private readonly leases = new Map<string, number>();
  private readonly spentToday = new PeriodSpend();
  private readonly spentThisMonth = new PeriodSpend();

  usage(t: Timing): ScopeUsage {
    // Every lease has the same TTL, so insertion order is expiry order: stop at the first live one
    // rather than scanning every lease on every admission.
    for (const [id, expiresAt] of this.leases) {
      if (expiresAt > t.now) break;
      this.leases.delete(id);
    }
    return {
      requestsPerMinute: this.requestsPerMinute.countsAt(t.minute),
      tokensPerMinute: this.tokensPerMinute.countsAt(t.minute),
      requestsPerDay: this.requestsPerDay.countsAt(t.day),
      concurrent: this.leases.size,
      spentTodayUsd: this.spentToday.at(t.dayKey),
      spentThisMonthUsd: this.spentThisMonth.at(t.monthKey),
    };
  }

  count(scope: Scope, t: Timing, leaseId: string, leaseTtlMs: number) {
    if (scope.limits?.requestsPerMinute !== undefined) this.requestsPerMinute.add(t.minute, 1);
    if (scope.limits?.requestsPerDay !== undefined) this.requestsPerDay.add(t.day, 1);
    if (scope.limits?.maxConcurrentRequests !== undefined) this.leases.set(leaseId, t.now + leaseTtlMs);
  }

  record(scope: Scope, t: Timing, leaseId: string, usage: Usage) {
    this.leases.delete(leaseId);
    const tokens = usage.inputTokens + usage.outputTokens;
    if (scope.limits?.tokensPerMinute !== undefined && tokens > 0) this.tokensPerMinute.add(t.minute, tokens);
    if (usage.costUsd <= 0) return;
    if (scope.budget?.usdPerDay !== undefined) this.spentToday.add(t.dayKey, usage.costUsd);
    if (scope.budget?.usdPerMonth !== undefined) this.spentThisMonth.add(t.monthKey, usage.costUsd);
  }

  /** True when forgetting this scope loses nothing, so the store can drop it. */
  idle(t: Timing): boolean {
    const u = this.usage(t);
    return (
      this.requestsPerMinute.drainedAt(t.minute) &&
      this.tokensPerMinute.drainedAt(t.minute) &&
      this.requestsPerDay.drainedAt(t.day) &&
      u.concurrent === 0 &&
      u.spentTodayUsd === 0 &&
      u.spentThisMonthUsd === 0
    );
  }
}
