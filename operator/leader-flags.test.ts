import { describe, expect, it } from "vitest";
import { leaderTimings, parseBool, parseDuration } from "./leader-flags.js";

describe("leader election flags", () => {
  it("defaults replace a killed leader within 15 s", () => {
    expect(leaderTimings({})).toEqual({
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
    });
  });

  it("parses seconds and milliseconds", () => {
    expect(parseDuration("x", "15s", 0)).toBe(15_000);
    expect(parseDuration("x", "500ms", 0)).toBe(500);
    expect(parseDuration("x", "2", 0)).toBe(2_000);
    expect(() => parseDuration("retry-period", "2m", 0)).toThrow(/--retry-period/);
  });

  it("refuses a renew deadline past the lease duration", () => {
    expect(() => leaderTimings({ "lease-duration": "5s", "renew-deadline": "10s" })).toThrow();
  });

  it("parses --leader-elect", () => {
    expect(parseBool("leader-elect", undefined, true)).toBe(true);
    expect(parseBool("leader-elect", "false", true)).toBe(false);
    expect(() => parseBool("leader-elect", "no", true)).toThrow(/--leader-elect/);
  });
});
