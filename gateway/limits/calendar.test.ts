import { describe, expect, it } from "vitest";
import { msUntilNextUtcDay, msUntilNextUtcMonth, utcDayKey, utcMonthKey } from "./calendar.js";

describe("UTC calendar", () => {
  const lastHourOfYear = Date.UTC(2026, 11, 31, 23, 0, 0);

  it("names days and months in UTC", () => {
    expect(utcDayKey(lastHourOfYear)).toBe("20261231");
    expect(utcMonthKey(lastHourOfYear)).toBe("202612");
  });

  it("counts to the next UTC midnight and first of the month, across a year end", () => {
    expect(msUntilNextUtcDay(lastHourOfYear)).toBe(3_600_000);
    expect(msUntilNextUtcMonth(lastHourOfYear)).toBe(3_600_000);
    expect(msUntilNextUtcMonth(Date.UTC(2028, 1, 28, 0, 0, 0))).toBe(2 * 86_400_000);
  });
});

describe("utcDayKey across days", () => {
  it("follows the clock forwards and backwards over midnight, whatever it worked out before", () => {
    const midnight = Date.UTC(2026, 11, 6);
    expect(utcDayKey(midnight - 1)).toBe("20261205");
    expect(utcDayKey(midnight)).toBe("20261206");
    expect(utcDayKey(midnight - 1)).toBe("20261205");
    expect(utcDayKey(Date.UTC(2027, 0, 1, 12))).toBe("20270101");
    expect(utcDayKey(Date.UTC(1969, 11, 31, 23, 59))).toBe("19691231");
    expect(utcDayKey(Date.UTC(1970, 0, 1))).toBe("19700101");
  });
});

describe("the next day and month, asked in any order", () => {
  it("answers from the instant asked, not from the day it worked out last", () => {
    const feb28 = Date.UTC(2027, 1, 28, 12);
    expect(msUntilNextUtcMonth(feb28)).toBe(12 * 3_600_000);
    expect(msUntilNextUtcDay(feb28 + 1)).toBe(12 * 3_600_000 - 1);
    expect(msUntilNextUtcMonth(Date.UTC(2027, 2, 1))).toBe(31 * 86_400_000);
    expect(utcMonthKey(feb28)).toBe("202702");
    expect(msUntilNextUtcDay(Date.UTC(1969, 11, 31, 23))).toBe(3_600_000);
    expect(msUntilNextUtcMonth(Date.UTC(1969, 11, 31, 23))).toBe(3_600_000);
  });
});
