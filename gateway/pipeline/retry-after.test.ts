import { describe, expect, it } from "vitest";
import { MAX_RETRY_AFTER_SECONDS, upstreamRetryAfter } from "./retry-after.js";

const NOW = Date.parse("2025-06-01T12:00:00Z");
const hints = (h: Record<string, string>) => upstreamRetryAfter(new Headers(h), NOW);

describe("upstreamRetryAfter", () => {
  it("issue 10: passes delta-seconds and Azure's retry-after-ms", () => {
    expect(hints({ "retry-after": "7", "retry-after-ms": "6500" })).toEqual({
      "retry-after": "7",
      "retry-after-ms": "6500",
    });
  });

  it("issue 10: rounds fractional values up, so a caller never comes back early", () => {
    expect(hints({ "retry-after": "1.2", "retry-after-ms": "20.5" })).toEqual({
      "retry-after": "2",
      "retry-after-ms": "21",
    });
  });

  it("issue 10: passes an HTTP-date in its canonical spelling", () => {
    expect(hints({ "retry-after": "Sun, 01 Jun 2025 12:00:30 GMT" })).toEqual({
      "retry-after": "Sun, 01 Jun 2025 12:00:30 GMT",
    });
    expect(hints({ "retry-after": "Sunday, 01-Jun-25 12:00:30 GMT" })).toEqual({
      "retry-after": "Sun, 01 Jun 2025 12:00:30 GMT",
    });
  });

  it("security: issue 10: caps an absurd wait at an hour, as seconds or as a date", () => {
    const cap = String(MAX_RETRY_AFTER_SECONDS);
    expect(hints({ "retry-after": "999999999", "retry-after-ms": "999999999999" })).toEqual({
      "retry-after": cap,
      "retry-after-ms": String(MAX_RETRY_AFTER_SECONDS * 1000),
    });
    expect(hints({ "retry-after": "Fri, 01 Jan 2100 00:00:00 GMT" })).toEqual({ "retry-after": cap });
  });

  it.each([
    "<script>alert(1)</script>",
    "-5",
    "1e9",
    "0x10",
    "7; path=/",
    "Infinity",
    "NaN",
    `Sun, 01 Jun 2025 12:00:30 GMT${" ".repeat(64)}x`,
    "Mon, 99 Foo 2025 99:99:99 GMT",
    "",
  ])("security: issue 10: drops a hostile or malformed value %j instead of passing it", (value) => {
    expect(hints({ "retry-after": value, "retry-after-ms": value })).toEqual({});
  });

  it("relays nothing when upstream sent no hint", () => {
    expect(hints({ "content-type": "application/json" })).toEqual({});
  });
});
