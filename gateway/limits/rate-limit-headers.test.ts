import { describe, expect, it } from "vitest";
import { formatDuration, rateLimitHeaders } from "./rate-limit-headers.js";
import { emptyUsage } from "./scope-usage.js";
import { timingAt } from "./timing.js";

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
  const t = timingAt(Date.UTC(2026, 0, 1, 12, 0, 30));

  it("reports the request limit with the least room, whether per minute or per day", () => {
    const usage = {
      ...emptyUsage(),
      requestsPerMinute: { previous: 0, current: 3 },
      requestsPerDay: { previous: 0, current: 98 },
    };
    const headers = rateLimitHeaders(
      [{ id: "key:a", limits: { requestsPerMinute: 10, requestsPerDay: 100 } }],
      [usage],
      t,
    );
    expect(headers).toEqual({
      "x-ratelimit-limit-requests": "100",
      "x-ratelimit-remaining-requests": "2",
      "x-ratelimit-reset-requests": "35h59m30s",
    });
  });

  it("says nothing about limits that are not set", () => {
    expect(rateLimitHeaders([{ id: "key:a", budget: { usdPerDay: 1 } }], [emptyUsage()], t)).toEqual({});
  });
});
