import type { Logger } from "../log.js";
import { apiErrorMessage, isConflict } from "./api-error.js";
import type { LeaseRecord, LeaseStore } from "./lease-store.js";

/** Time, injectable so the state machine is tested without real timers. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener("abort", done, { once: true });
    }),
};

export interface LeaderElectionTimings {
  /** How long a lease is valid after its last renewal; a standby takes over once it lapses. */
  leaseDurationMs: number;
  /** A leader that has not renewed for this long stops leading; must be below leaseDurationMs. */
  renewDeadlineMs: number;
  /** How often the leader renews and a standby retries. */
  retryPeriodMs: number;
}

/** A killed leader is replaced within 15 s: its lease lapses at most 15 s after it last renewed. */
export const defaultTimings: LeaderElectionTimings = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

export interface LeaderElectionOptions {
  identity: string;
  store: LeaseStore;
  log: Logger;
  timings?: LeaderElectionTimings;
  clock?: Clock;
  /** Called once leadership is won; `signal` aborts when it is lost or given up. */
  onStartedLeading(signal: AbortSignal): void;
  /** Called once when leadership ends, after the leading signal aborted. */
  onStoppedLeading(): void;
}

export function validateTimings(t: LeaderElectionTimings): void {
  if (
    !(t.retryPeriodMs > 0 && t.retryPeriodMs < t.renewDeadlineMs && t.renewDeadlineMs < t.leaseDurationMs)
  ) {
    throw new Error("leader election needs 0 < retry-period < renew-deadline < lease-duration");
  }
}

/** The instant a lease lapses, by its renewTime; a lease without holder has already lapsed. */
export function leaseExpiry(r: LeaseRecord): number {
  if (!r.holderIdentity || !r.renewTime) return Number.NEGATIVE_INFINITY;
  return r.renewTime.getTime() + r.leaseDurationSeconds * 1000;
}

/**
 * Leader election on one Lease, as client-go does it: acquire a lease that is absent or has
 * lapsed, renew it while leading, every write by resourceVersion so a 409 means someone else
 * won. Expiry is judged by the holder's renewTime against the local clock: safe while clocks
 * are within leaseDuration − renewDeadline of each other, because a leader that cannot renew
 * stops writing at the renew deadline, before any standby may consider its lease lapsed.
 */
export class LeaderElector {
  private readonly timings: LeaderElectionTimings;
  private readonly clock: Clock;
  private observed: LeaseRecord | undefined;
  private leading: AbortController | undefined;

  constructor(private readonly opts: LeaderElectionOptions) {
    this.timings = opts.timings ?? defaultTimings;
    validateTimings(this.timings);
    this.clock = opts.clock ?? systemClock;
  }

  get identity(): string {
    return this.opts.identity;
  }

  isLeader(): boolean {
    return this.leading !== undefined;
  }

  /** One step: true when this instance holds the lease afterwards. Never throws. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.clock.now();
    const me = this.opts.identity;
    try {
      const current = await this.opts.store.get();
      this.observed = current;
      const fresh = {
        holderIdentity: me,
        leaseDurationSeconds: Math.ceil(this.timings.leaseDurationMs / 1000),
        renewTime: new Date(now),
      };
      if (!current) {
        this.observed = await this.opts.store.create({
          ...fresh,
          acquireTime: new Date(now),
          leaseTransitions: 0,
          resourceVersion: "",
        });
        return true;
      }
      const mine = current.holderIdentity === me;
      if (!mine && leaseExpiry(current) > now) return false;
      this.observed = await this.opts.store.update({
        ...current,
        ...fresh,
        acquireTime: mine ? current.acquireTime : new Date(now),
        leaseTransitions: mine ? current.leaseTransitions : current.leaseTransitions + 1,
      });
      return true;
    } catch (err) {
      if (!isConflict(err)) this.opts.log.warn("lease write failed", { error: apiErrorMessage(err) });
      return false;
    }
  }

  /** How long a standby waits before trying again: the retry period, or less if the lease lapses sooner. */
  private standbyDelay(): number {
    const lapse = this.observed ? leaseExpiry(this.observed) - this.clock.now() : 0;
    return Math.max(0, Math.min(this.timings.retryPeriodMs, lapse + 1));
  }

  /**
   * Campaigns until leading, then renews until the lease is lost or `signal` aborts. Resolves
   * "lost" when leadership ended without being asked to (the caller should exit), else "aborted".
   */
  async run(signal: AbortSignal): Promise<"lost" | "aborted"> {
    while (!signal.aborted && !(await this.tryAcquireOrRenew())) {
      await this.clock.sleep(this.standbyDelay(), signal);
    }
    if (signal.aborted) return "aborted";
    const leading = new AbortController();
    this.leading = leading;
    this.opts.onStartedLeading(leading.signal);
    let lastRenew = this.clock.now();
    while (!signal.aborted) {
      await this.clock.sleep(this.timings.retryPeriodMs, signal);
      if (signal.aborted) break;
      if (await this.renewBefore(lastRenew + this.timings.renewDeadlineMs)) {
        lastRenew = this.clock.now();
        continue;
      }
      const takenOver = this.observed !== undefined && this.observed.holderIdentity !== this.opts.identity;
      if (takenOver || this.clock.now() >= lastRenew + this.timings.renewDeadlineMs) {
        this.stopLeading();
        return "lost";
      }
    }
    return "aborted";
  }

  /** One renewal, given up at the deadline so a hung request cannot keep a stale leader writing. */
  private async renewBefore(deadline: number): Promise<boolean> {
    const gaveUp = new AbortController();
    const timeout = this.clock.sleep(deadline - this.clock.now(), gaveUp.signal).then(() => false as const);
    const renewed = await Promise.race([this.tryAcquireOrRenew(), timeout]);
    gaveUp.abort();
    return renewed;
  }

  private stopLeading(): void {
    const leading = this.leading;
    if (!leading) return;
    this.leading = undefined;
    leading.abort();
    this.opts.onStoppedLeading();
  }

  /**
   * Gives the lease up (on SIGTERM) so a standby takes over at once instead of waiting for it
   * to lapse. Call after all writes have stopped; the update is by resourceVersion, so a lease
   * someone else already holds is left alone.
   */
  async release(): Promise<void> {
    const held = this.observed;
    const wasLeading = this.leading !== undefined;
    this.stopLeading();
    if (!wasLeading || !held || held.holderIdentity !== this.opts.identity) return;
    try {
      this.observed = await this.opts.store.update({
        ...held,
        holderIdentity: "",
        leaseDurationSeconds: 1,
        renewTime: new Date(this.clock.now()),
      });
    } catch (err) {
      this.opts.log.warn("lease release failed", { error: apiErrorMessage(err) });
    }
  }
}
