import { describe, expect, it } from "vitest";
import { emptyUsage, enforcedScopes, withAdmission } from "./scope-usage.js";
import { timingAt } from "./timing.js";

describe("enforcedScopes", () => {
  it("keeps scopes that constrain something, each id once", () => {
    const scopes = [
      { id: "key:a" },
      { id: "key:b", limits: {} },
      { id: "key:c", limits: { requestsPerMinute: 1 } },
      { id: "key:c", limits: { requestsPerMinute: 5 } },
      { id: "policy:p", budget: { usdPerMonth: 3 } },
    ];
    expect(enforcedScopes(scopes).map((s) => s.id)).toEqual(["key:c", "policy:p"]);
    expect(enforcedScopes(scopes)[0]?.limits?.requestsPerMinute).toBe(1);
  });

  it("leaves out scopes whose only limits apply to the request itself (body size, output tokens)", () => {
    const scopes = [
      { id: "key:a", limits: { maxRequestBodyBytes: 1024, maxOutputTokens: 100 } },
      { id: "policy:p", limits: { maxOutputTokens: 100, tokensPerMinute: 10 } },
    ];
    // The first needs no store, so it is neither counted nor refused while Redis is away.
    expect(enforcedScopes(scopes).map((s) => s.id)).toEqual(["policy:p"]);
  });
});

describe("withAdmission", () => {
  it("adds this request only to the counters the scope limits", () => {
    const after = withAdmission(
      { id: "key:a", limits: { requestsPerMinute: 2, maxConcurrentRequests: 1 } },
      emptyUsage(),
      timingAt(Date.UTC(2026, 0, 1, 12, 0, 30, 250)),
    );
    expect(after.requestsPerMinute.used).toBe(1);
    // Counted in the bucket of second :30, which stops counting at 12:01:30.000.
    expect(after.requestsPerMinute.msUntilEmpty).toBe(59_750);
    expect(after.requestsPerDay.used).toBe(0);
    expect(after.concurrent).toBe(1);
  });
});
