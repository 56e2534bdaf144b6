import type { RefusalReason, Scope, Usage } from "./limiter.js";
import type { ScopeUsage } from "./scope-usage.js";
import type { Timing } from "./timing.js";

export interface StoreVerdict {
  admitted: boolean;
  /** Usage of each scope (same order) as found before this admission was counted. */
  usages: ScopeUsage[];
  /** The store's own first refusal, for when the gateway's explanation finds none (it should not happen). */
  refusedBy?: { scope: string; reason: RefusalReason };
}

/** One scope's spend in the current UTC day and month, by the usage ledger. */
export interface ResumedSpend {
  scope: string;
  todayUsd: number;
  thisMonthUsd: number;
}

/** A request admitted and not finished: its lease (and reservation) id and where it is held. */
export interface LiveLease {
  leaseId: string;
  scopes: readonly Scope[];
}

/** Where counters live: one implementation in memory, one in Redis. Both throw when they cannot answer. */
export interface LimitStore {
  readonly backend: "redis" | "memory";
  /**
   * Checks every scope and, only when all pass, counts the request, takes a concurrency lease and
   * reserves `reserveUsd` against each budget under `leaseId` — all at once, so concurrent
   * admissions cannot both take the last slot or the last dollars.
   */
  admit(scopes: readonly Scope[], t: Timing, leaseId: string, reserveUsd?: number): Promise<StoreVerdict>;
  /**
   * Releases the lease and the reservation, and records tokens and cost (finite, non-negative,
   * whole tokens) at `t`.
   */
  finish(scopes: readonly Scope[], t: Timing, leaseId: string, usage: Usage): Promise<void>;
  /**
   * Raises each scope's spend in the UTC day and month of `t` to at least the given sums (the
   * usage ledger's), never lowering it: the store may hold spend the ledger has not received yet.
   */
  raiseSpend(spend: readonly ResumedSpend[], t: Timing): Promise<void>;
  /**
   * Moves the expiry of each lease and reservation still held (a request still running) to one
   * lease TTL after `t`; a lease already finished or expired is left gone.
   */
  renew(leases: readonly LiveLease[], t: Timing): Promise<void>;
  close(): Promise<void>;
}
