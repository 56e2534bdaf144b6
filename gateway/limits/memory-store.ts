import type { LimitStore, LiveLease, ResumedSpend, StoreVerdict } from "./limit-store.js";
import type { Scope, Usage } from "./limiter.js";
import { MemoryScopeState } from "./memory-scope-state.js";

import { scopeRefusals } from "./refusals.js";
import { MINUTE_MS } from "./sliding-window.js";
import type { Timing } from "./timing.js";

/**
 * Counters in this process, for a gateway running alone. Admission is check-all-then-commit with
 * no await in between, which is atomic on Node's single thread.
 */
export class MemoryStore implements LimitStore {
  readonly backend = "memory";
  private readonly states = new Map<string, MemoryScopeState>();
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(private readonly leaseTtlMs: number) {}

  async admit(scopes: readonly Scope[], t: Timing, leaseId: string, reserveUsd = 0): Promise<StoreVerdict> {
    this.sweep(t);
    const entries = scopes.map((scope) => {
      const state = this.state(scope.id);
      return { scope, state, usage: state.usage(scope, t) };
    });
    const usages = entries.map((e) => e.usage);
    const refused = entries.flatMap((e) => scopeRefusals(e.scope, e.usage, t, reserveUsd))[0];
    if (refused !== undefined) return { admitted: false, usages, refusedBy: refused };
    for (const e of entries) e.state.count(e.scope, t, leaseId, this.leaseTtlMs, reserveUsd);
    return { admitted: true, usages };
  }

  async finish(scopes: readonly Scope[], t: Timing, leaseId: string, usage: Usage): Promise<void> {
    // state(), not get(): a TPM-only scope counts nothing at admission and may have been swept since.
    for (const scope of scopes) this.state(scope.id).record(scope, t, leaseId, usage);
  }

  /** Raises each scope's day and month to at least the ledger's sums (see LimitStore). */
  async raiseSpend(spend: readonly ResumedSpend[], t: Timing): Promise<void> {
    for (const s of spend) this.state(s.scope).raiseSpend(t, s.todayUsd, s.thisMonthUsd);
  }

  async renew(leases: readonly LiveLease[], t: Timing): Promise<void> {
    for (const { leaseId, scopes } of leases) {
      for (const scope of scopes) this.states.get(scope.id)?.renew(leaseId, t.now, t.now + this.leaseTtlMs);
    }
  }

  async close(): Promise<void> {
    this.states.clear();
  }

  /** Scope count for tests: the map must not keep every key ever seen. */
  get size() {
    return this.states.size;
  }

  private state(id: string): MemoryScopeState {
    let state = this.states.get(id);
    if (state === undefined) {
      state = new MemoryScopeState();
      this.states.set(id, state);
    }
    return state;
  }

  /** At most once a minute, forget scopes with nothing left to count (deleted keys, idle callers). */
  private sweep(t: Timing) {
    if (t.now - this.lastSweep < MINUTE_MS) return;
    this.lastSweep = t.now;
    for (const [id, state] of this.states) if (state.idle(t)) this.states.delete(id);
  }
}
