import { describe, expect, it } from "vitest";
import { admitKeys, finishKeys, keyTtls } from "./redis-keys.js";
import { timingAt } from "./timing.js";

describe("redis keys", () => {
  const t = timingAt(Date.UTC(2026, 10, 25, 10, 0, 30));

  it("share one hash tag per scope, so a scope's keys live in one cluster slot", () => {
    const keys = [...admitKeys("p:", "key:ns/name", t), ...finishKeys("p:", "key:ns/name", t)];
    for (const key of keys) expect(key.startsWith("p:{key:ns/name}:")).toBe(true);
  });

  it("keep each window in one hash, named the same at every instant", () => {
    expect(admitKeys("p:", "s", t).slice(0, 3)).toEqual(["p:{s}:rpm", "p:{s}:tpm", "p:{s}:rpd"]);
    expect(admitKeys("p:", "s", timingAt(t.now + 3_600_000)).slice(0, 3)).toEqual(
      admitKeys("p:", "s", t).slice(0, 3),
    );
  });

  it("name budget periods by UTC day and month", () => {
    expect(admitKeys("p:", "s", t).slice(4, 6)).toEqual(["p:{s}:usd:day:20261125", "p:{s}:usd:month:202611"]);
    // Reservations belong to requests in flight, whatever the period.
    expect(admitKeys("p:", "s", t).slice(6)).toEqual([
      "p:{s}:holds",
      "p:{s}:holds:expiry",
      "p:{s}:holds:usd",
    ]);
    expect(finishKeys("p:", "s", t).slice(4)).toEqual(admitKeys("p:", "s", t).slice(6));
  });

  it("expire every key once nothing can read it any more", () => {
    const ttl = keyTtls(t, 600_000);
    // The bucket written now counts for at most a window, then one minute of clock slack.
    expect(ttl.minuteWindow).toBe(60_000 + 60_000);
    expect(ttl.dayWindow).toBe(86_400_000 + 60_000);
    expect(ttl.leases).toBe(660_000);
    expect(ttl.dayBudget).toBe(14 * 3_600_000 - 30_000 + 60_000);
    expect(ttl.monthBudget).toBe(5 * 86_400_000 + ttl.dayBudget);
  });
});
