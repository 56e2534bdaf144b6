import { describe, expect, it } from "vitest";
import { createLogger } from "../log.js";
import { type Clock, type LeaderElectionOptions, LeaderElector, leaseExpiry } from "./leader-election.js";
import type { LeaseRecord, LeaseStore } from "./lease-store.js";

const log = createLogger("test", { sink: () => {} });
const conflict = () => Object.assign(new Error("conflict"), { code: 409 });

/** An in-memory Lease with the API server's optimistic concurrency. */
class FakeLeaseStore implements LeaseStore {
  record: LeaseRecord | undefined;
  private rv = 0;
  writes = 0;
  failing: "no" | "error" | "hang" = "no";
  /** Runs between a write's arrival and its check, to interleave a competing writer. */
  beforeWrite: (() => Promise<void>) | undefined;

  async get() {
    if (this.failing === "error") throw new Error("connection refused");
    return this.record ? { ...this.record } : undefined;
  }
  async create(r: LeaseRecord) {
    await this.gate();
    if (this.record) throw conflict();
    return this.store(r);
  }
  async update(r: LeaseRecord) {
    await this.gate();
    if (!this.record || r.resourceVersion !== this.record.resourceVersion) throw conflict();
    return this.store(r);
  }
  private async gate() {
    if (this.failing === "hang") await new Promise(() => {});
    if (this.failing === "error") throw new Error("connection refused");
    const hook = this.beforeWrite;
    this.beforeWrite = undefined;
    await hook?.();
  }
  private store(r: LeaseRecord) {
    this.writes++;
    this.record = { ...r, resourceVersion: String(++this.rv) };
    return { ...this.record };
  }
}

/** Time moves only when someone sleeps: every wait ends at once, fully deterministic. */
function autoClock(start = 1_000_000): Clock & { t: number } {
  const c = {
    t: start,
    now: () => c.t,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (!signal?.aborted) c.t += Math.max(0, ms);
    },
  };
  return c;
}

function elector(
  identity: string,
  store: LeaseStore,
  clock: Clock,
  over: Partial<LeaderElectionOptions> = {},
): LeaderElector {
  return new LeaderElector({
    identity,
    store,
    log,
    clock,
    onStartedLeading: () => {},
    onStoppedLeading: () => {},
    ...over,
  });
}

describe("LeaderElector.tryAcquireOrRenew", () => {
  it("creates an absent lease and holds it", async () => {
    const store = new FakeLeaseStore();
    const clock = autoClock();
    expect(await elector("a", store, clock).tryAcquireOrRenew()).toBe(true);
    expect(store.record).toMatchObject({
      holderIdentity: "a",
      leaseDurationSeconds: 15,
      leaseTransitions: 0,
    });
    expect(store.record?.renewTime?.getTime()).toBe(clock.t);
  });

  it("leaves a fresh lease alone and takes it over once it lapsed, counting the transition", async () => {
    const store = new FakeLeaseStore();
    const clock = autoClock();
    await elector("a", store, clock).tryAcquireOrRenew();
    const b = elector("b", store, clock);
    clock.t += 14_999;
    expect(await b.tryAcquireOrRenew()).toBe(false);
    expect(store.record?.holderIdentity).toBe("a");
    clock.t += 1;
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect(store.record).toMatchObject({ holderIdentity: "b", leaseTransitions: 1 });
    expect(store.record?.acquireTime?.getTime()).toBe(clock.t);
  });

  it("renews its own lease without counting a transition", async () => {
    const store = new FakeLeaseStore();
    const clock = autoClock();
    const a = elector("a", store, clock);
    await a.tryAcquireOrRenew();
    const acquired = store.record?.acquireTime?.getTime();
    clock.t += 2_000;
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(store.record).toMatchObject({ holderIdentity: "a", leaseTransitions: 0 });
    expect(store.record?.renewTime?.getTime()).toBe(clock.t);
    expect(store.record?.acquireTime?.getTime()).toBe(acquired);
  });

  it("loses a race on a 409: only one of two candidates holds a lapsed lease", async () => {
    const store = new FakeLeaseStore();
    const clock = autoClock();
    await elector("old", store, clock).tryAcquireOrRenew();
    clock.t += 20_000;
    const b = elector("b", store, clock);
    const c = elector("c", store, clock);
    // c reads the lapsed lease, then b writes before c does: c's resourceVersion is stale.
    store.beforeWrite = async () => {
      expect(await b.tryAcquireOrRenew()).toBe(true);
    };
    expect(await c.tryAcquireOrRenew()).toBe(false);
    expect(store.record).toMatchObject({ holderIdentity: "b", leaseTransitions: 1 });
  });

  it("reports a failing API as not holding, without throwing", async () => {
    const store = new FakeLeaseStore();
    store.failing = "error";
    expect(await elector("a", store, autoClock()).tryAcquireOrRenew()).toBe(false);
  });
});

describe("LeaderElector.run", () => {
  it("a standby takes a killed leader's lease as soon as it lapses", async () => {
    const store = new FakeLeaseStore();
    const clock = autoClock();
    await elector("dead", store, clock).tryAcquireOrRenew();
    const lastRenew = clock.t;
    const stop = new AbortController();
    let ledAt = 0;
    const b = elector("b", store, clock, {
      onStartedLeading: () => {
        ledAt = clock.t;
        stop.abort();
      },
    });
    expect(await b.run(stop.signal)).toBe("aborted");
    expect(ledAt - lastRenew).toBeGreaterThanOrEqual(15_000);
    expect(ledAt - lastRenew).toBeLessThanOrEqual(15_001);
    expect(store.record?.holderIdentity).toBe("b");
  });

  it("stops leading at the renew deadline when renewals fail, and writes nothing after", async () => {
    const store = new FakeLeaseStore();
    const clock = autoClock();
    let leading: AbortSignal | undefined;
    let stopped = 0;
    let acquiredAt = 0;
    const a = elector("a", store, clock, {
      onStartedLeading: (signal) => {
        leading = signal;
        acquiredAt = clock.t;
        store.failing = "error";
      },
      onStoppedLeading: () => {
        stopped = clock.t;
      },
    });
    expect(await a.run(new AbortController().signal)).toBe("lost");
    expect(leading?.aborted).toBe(true);
    expect(a.isLeader()).toBe(false);
    expect(stopped - acquiredAt).toBeGreaterThanOrEqual(10_000);
    // Before the lease (15 s) lapses for anyone else: never two writers.
    expect(stopped).toBeLessThan(leaseExpiry(store.record as LeaseRecord));
  });

  it("gives up a renewal that hangs at the renew deadline", async () => {
    const store = new FakeLeaseStore();
    const clock = autoClock();
    const a = elector("a", store, clock, {
      onStartedLeading: () => {
        store.failing = "hang";
      },
    });
    const start = clock.t;
    expect(await a.run(new AbortController().signal)).toBe("lost");
    expect(clock.t - start).toBeLessThan(15_000);
  });

  it("stops leading at once when another holder took the lease", async () => {
    const store = new FakeLeaseStore();
    const clock = autoClock();
    let stopped = false;
    const a = elector("a", store, clock, {
      onStartedLeading: () => {
        const r = store.record as LeaseRecord;
        store.record = { ...r, holderIdentity: "intruder", resourceVersion: "99" };
      },
      onStoppedLeading: () => {
        stopped = true;
      },
    });
    expect(await a.run(new AbortController().signal)).toBe("lost");
    expect(stopped).toBe(true);
    expect(store.record?.holderIdentity).toBe("intruder");
  });
});

describe("LeaderElector.release", () => {
  it("empties the lease so a standby takes over at once", async () => {
    const store = new FakeLeaseStore();
    const clock = autoClock();
    const stop = new AbortController();
    const a = elector("a", store, clock, { onStartedLeading: () => stop.abort() });
    await a.run(stop.signal);
    await a.release();
    expect(store.record?.holderIdentity).toBe("");
    expect(await elector("b", store, clock).tryAcquireOrRenew()).toBe(true);
    expect(store.record).toMatchObject({ holderIdentity: "b", leaseTransitions: 1 });
  });

  it("does not touch a lease it does not hold", async () => {
    const store = new FakeLeaseStore();
    const clock = autoClock();
    await elector("a", store, clock).tryAcquireOrRenew();
    const writes = store.writes;
    await elector("b", store, clock).release();
    expect(store.writes).toBe(writes);
  });

  it("refuses timings where a leader could outlive its lease", () => {
    expect(() =>
      elector("a", new FakeLeaseStore(), autoClock(), {
        timings: { leaseDurationMs: 10_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 },
      }),
    ).toThrow(/renew-deadline < lease-duration/);
  });
});
