import { BucketRing } from "./bucket-ring.js";
import type { Scope, Usage } from "./limiter.js";
import type { ScopeUsage } from "./scope-usage.js";
import { DAY_WINDOW, emptyWindow, MINUTE_WINDOW } from "./sliding-window.js";
import type { Timing } from "./timing.js";

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
  private readonly requestsPerMinute = new BucketRing(MINUTE_WINDOW);
  private readonly tokensPerMinute = new BucketRing(MINUTE_WINDOW);
  private readonly requestsPerDay = new BucketRing(DAY_WINDOW);
  /** Lease id → expiry (epoch ms); expired leases are dropped when read. */
  private readonly leases = new Map<string, number>();
  private readonly spentToday = new PeriodSpend();
  private readonly spentThisMonth = new PeriodSpend();
  /** Lease id → the USD it holds against the budgets, until it finishes or expires. */
  private readonly reservations = new Map<string, { usd: number; expiresAt: number }>();
  /** Their sum, kept as they come and go: an admission does not walk every request in flight. */
  private reservedUsd = 0;

  usage(scope: Scope, t: Timing): ScopeUsage {
    const { requestsPerMinute: rpm, tokensPerMinute: tpm, requestsPerDay: rpd } = scope.limits ?? {};
    return {
      requestsPerMinute: rpm === undefined ? emptyWindow() : this.requestsPerMinute.read(t.now, rpm),
      tokensPerMinute: tpm === undefined ? emptyWindow() : this.tokensPerMinute.read(t.now, tpm),
      requestsPerDay: rpd === undefined ? emptyWindow() : this.requestsPerDay.read(t.now, rpd),
      concurrent: this.liveLeases(t),
      spentTodayUsd: this.spentToday.at(t.dayKey),
      spentThisMonthUsd: this.spentThisMonth.at(t.monthKey),
      reservedUsd: this.liveReservations(t),
    };
  }

  count(scope: Scope, t: Timing, leaseId: string, leaseTtlMs: number, reserveUsd: number) {
    if (scope.limits?.requestsPerMinute !== undefined) this.requestsPerMinute.add(t.now, 1);
    if (scope.limits?.requestsPerDay !== undefined) this.requestsPerDay.add(t.now, 1);
    if (scope.limits?.maxConcurrentRequests !== undefined) this.leases.set(leaseId, t.now + leaseTtlMs);
    if (hasBudget(scope) && reserveUsd > 0 && !this.reservations.has(leaseId)) {
      this.reservations.set(leaseId, { usd: reserveUsd, expiresAt: t.now + leaseTtlMs });
      this.reservedUsd += reserveUsd;
    }
  }

  record(scope: Scope, t: Timing, leaseId: string, usage: Usage) {
    this.leases.delete(leaseId);
    this.release(leaseId);
    const tokens = usage.inputTokens + usage.outputTokens;
    if (scope.limits?.tokensPerMinute !== undefined && tokens > 0) this.tokensPerMinute.add(t.now, tokens);
    if (usage.costUsd <= 0) return;
    if (scope.budget?.usdPerDay !== undefined) this.spentToday.add(t.dayKey, usage.costUsd);
    if (scope.budget?.usdPerMonth !== undefined) this.spentThisMonth.add(t.monthKey, usage.costUsd);
  }

  /**
   * Raises the spend of the periods of `t` to at least the ledger's sums: never lowers it, since
   * what this process counted may not have reached the ledger yet.
   */
  raiseSpend(t: Timing, todayUsd: number, thisMonthUsd: number) {
    const today = todayUsd - this.spentToday.at(t.dayKey);
    if (today > 0) this.spentToday.add(t.dayKey, today);
    const month = thisMonthUsd - this.spentThisMonth.at(t.monthKey);
    if (month > 0) this.spentThisMonth.add(t.monthKey, month);
  }

  /**
   * A request still running keeps its lease and reservation. Re-inserted, not updated: the maps
   * stay in expiry order (the new expiry is the latest), which the sweeps from the front rely on.
   */
  renew(leaseId: string, now: number, expiresAt: number) {
    // One already expired stays gone: its request is no longer counted anywhere else either.
    const lease = this.leases.get(leaseId);
    if (lease !== undefined && lease > now) {
      this.leases.delete(leaseId);
      this.leases.set(leaseId, expiresAt);
    }
    const r = this.reservations.get(leaseId);
    if (r && r.expiresAt > now) {
      this.reservations.delete(leaseId);
      this.reservations.set(leaseId, { usd: r.usd, expiresAt });
    }
  }

  /** True when forgetting this scope loses nothing, so the store can drop it. */
  idle(t: Timing): boolean {
    return (
      this.requestsPerMinute.emptyAt(t.now) &&
      this.tokensPerMinute.emptyAt(t.now) &&
      this.requestsPerDay.emptyAt(t.now) &&
      this.liveLeases(t) === 0 &&
      this.liveReservations(t) === 0 &&
      this.spentToday.at(t.dayKey) === 0 &&
      this.spentThisMonth.at(t.monthKey) === 0
    );
  }

  private liveLeases(t: Timing): number {
    // Every lease gets the same TTL when taken or renewed (renew re-inserts), so insertion order is
    // expiry order: stop at the first live one
    // rather than scanning every lease on every admission.
    for (const [id, expiresAt] of this.leases) {
      if (expiresAt > t.now) break;
      this.leases.delete(id);
    }
    return this.leases.size;
  }

  /**
   * The USD held by live reservations. Every reservation has the same TTL, so insertion order is
   * expiry order: expired ones (a finish that never came) are dropped from the front.
   */
  private liveReservations(t: Timing): number {
    for (const [id, r] of this.reservations) {
      if (r.expiresAt > t.now) break;
      this.release(id);
    }
    return this.reservedUsd;
  }

  private release(leaseId: string) {
    const r = this.reservations.get(leaseId);
    if (!r) return;
    this.reservations.delete(leaseId);
    // Exactly 0 once nothing is held, so rounding in the running sum never accumulates.
    this.reservedUsd = this.reservations.size === 0 ? 0 : this.reservedUsd - r.usd;
  }
}

const hasBudget = (scope: Scope) =>
  scope.budget?.usdPerDay !== undefined || scope.budget?.usdPerMonth !== undefined;
