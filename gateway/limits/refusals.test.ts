import { describe, expect, it } from "vitest";
import { longestRefusal, scopeRefusals } from "./refusals.js";
import { emptyUsage } from "./scope-usage.js";
import { timingAt } from "./timing.js";

const t = timingAt(Date.UTC(2026, 0, 1, 23, 0, 0));

describe("scopeRefusals", () => {
  it("refuses a request that would exceed the limit, not one that reaches it", () => {
    const scope = { id: "key:a", limits: { requestsPerMinute: 3 } };
    const at = (used: number) => ({
      ...emptyUsage(),
      requestsPerMinute: { used, msUntilRoom: used < 3 ? 0 : 1_500, msUntilEmpty: 30_000 },
    });
    expect(scopeRefusals(scope, at(2), t)).toEqual([]);
    const [refusal] = scopeRefusals(scope, at(3), t);
    expect(refusal).toMatchObject({
      reason: "requests_per_minute",
      retryAfterMs: 1_500,
      retryAfterSeconds: 2,
    });
  });

  it("refuses tokens once the recorded count reaches the limit", () => {
    const scope = { id: "key:a", limits: { tokensPerMinute: 100 } };
    const at = (used: number) => ({
      ...emptyUsage(),
      tokensPerMinute: { used, msUntilRoom: used < 100 ? 0 : 400, msUntilEmpty: 50_000 },
    });
    expect(scopeRefusals(scope, at(99), t)).toEqual([]);
    expect(scopeRefusals(scope, at(100), t).map((r) => r.reason)).toEqual(["tokens_per_minute"]);
  });

  it("refuses budgets once spend reaches them, until the period ends", () => {
    const scope = { id: "policy:p", budget: { usdPerDay: 2 } };
    const [refusal] = scopeRefusals(scope, { ...emptyUsage(), spentTodayUsd: 2 }, t);
    expect(refusal).toMatchObject({
      reason: "budget_day",
      retryAfterMs: 3_600_000,
      retryAfterSeconds: 3600,
      scope: "policy:p",
    });
  });
});

describe("longestRefusal", () => {
  it("reports the refusal that lasts longest, across scopes", () => {
    const scopes = [
      { id: "key:a", limits: { maxConcurrentRequests: 1 } },
      { id: "policy:p", budget: { usdPerMonth: 10 } },
    ];
    const usages = [
      { ...emptyUsage(), concurrent: 1 },
      { ...emptyUsage(), spentThisMonthUsd: 10 },
    ];
    expect(longestRefusal(scopes, usages, t)).toMatchObject({ reason: "budget_month", scope: "policy:p" });
  });

  it("returns nothing when every scope has room", () => {
    expect(
      longestRefusal([{ id: "key:a", limits: { requestsPerMinute: 1 } }], [emptyUsage()], t),
    ).toBeUndefined();
  });
});
