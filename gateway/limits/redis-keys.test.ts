import { describe, expect, it } from "vitest";
import { admitKeys, finishKeys, keyTtls } from "./redis-keys.js";
import { timingAt } from "./timing.js";

describe("redis keys", () => {
  const t = timingAt(Date.UTC(2026, 10, 25, 10, 0, 30));

  it("share one hash tag per scope, so a scope's keys live in one cluster slot", () => {
    const keys = [...admitKeys("p:", "key:ns/name", t), ...finishKeys("p:", "key:ns/name", t)];
    for (const key of keys) expect(key.startsWith("p:{key:ns/name}:")).toBe(true);
  });

  it("name the previous window by the index before the current one", () => {
    const [rpmNow, rpmBefore] = admitKeys("p:", "s", t);
    expect(Number(rpmNow?.split(":").at(-1)) - Number(rpmBefore?.split(":").at(-1))).toBe(1);
  });

  it("name budget periods by UTC day and month", () => {
    expect(admitKeys("p:", "s", t).slice(-2)).toEqual(["p:{s}:usd:day:20261125", "p:{s}:usd:month:202611"]);
  });

  it("expire every key once nothing can read it any more", () => {
    const ttl = keyTtls(t, 600_000);
    // 30 s left in this minute, the next minute as the previous window, then one minute of clock slack.
    expect(ttl.minuteWindow).toBe(30_000 + 60_000 + 60_000);
    expect(ttl.leases).toBe(660_000);
    expect(ttl.dayBudget).toBe(14 * 3_600_000 - 30_000 + 60_000);
    expect(ttl.monthBudget).toBe(5 * 86_400_000 + ttl.dayBudget);
  });
});
