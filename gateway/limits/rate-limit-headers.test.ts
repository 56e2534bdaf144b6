import { describe, expect, it } from "vitest";
import { formatDuration, rateLimitHeaders } from "./rate-limit-headers.js";
import { emptyUsage } from "./scope-usage.js";

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [1, "1s"],
    [12_000, "12s"],
    [59_001, "1m0s"],
    [90_000, "1m30s"],
    [7_205_000, "2h0m5s"],
  ])("%d ms → %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe("rateLimitHeaders", () => {
  it("reports the request limit with the least room, whether per minute or per day", () => {
    const usage = {
      ...emptyUsage(),
      requestsPerMinute: { used: 3, msUntilRoom: 0, msUntilEmpty: 45_000 },
      requestsPerDay: { used: 98, msUntilRoom: 0, msUntilEmpty: 86_399_000 },
    };
    const headers = rateLimitHeaders(
      [{ id: "key:a", limits: { requestsPerMinute: 10, requestsPerDay: 100 } }],
      [usage],
    );
    expect(headers).toEqual({
      "x-ratelimit-limit-requests": "100",
      "x-ratelimit-remaining-requests": "2",
      "x-ratelimit-reset-requests": "23h59m59s",
    });
  });

  it("says nothing about limits that are not set", () => {
    expect(rateLimitHeaders([{ id: "key:a", budget: { usdPerDay: 1 } }], [emptyUsage()])).toEqual({});
  });
});
