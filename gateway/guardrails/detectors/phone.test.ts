import { describe, expect, it } from "vitest";
import { phoneDetector } from "./phone.js";
import { valuesFound } from "./testing.js";

describe("phone detector", () => {
  it.each([
    ["Call +44 20 7946 0958 tomorrow", "+44 20 7946 0958"],
    ["E.164: +14155552671.", "+14155552671"],
    ["reach me at +33 1 23 45 67 89", "+33 1 23 45 67 89"],
    ["office (415) 555-2671", "(415) 555-2671"],
    ["her number is 415-555-2671", "415-555-2671"],
    ["toll free 1-800-555-0199", "1-800-555-0199"],
    ["mobile: 07700 900123", "07700 900123"],
    ["tel 030 1234 5678", "030 1234 5678"],
    ["call 4155552671 after six", "4155552671"],
    ["She said 415-555-2671 is her cell.", "415-555-2671"],
  ])("finds the number in %j", (text, value) => {
    expect(valuesFound(phoneDetector, text)).toEqual([value]);
  });

  it.each([
    "order 415-555-2671 shipped",
    "SKU 212-555-0100-B in stock",
    "ref: 0123456789",
    "the value 4155552671 overflowed",
    "version 1.415.555.2671",
    "dated 2024-01-15 at 10:30",
    "product code 123-456-7890",
    "5 + 3 - 2 = 6",
    "build +20240115",
    "mixed 415-555.2671 separators",
    "the string 0123456789 is ten digits",
  ])("finds nothing in %j", (text) => {
    expect(valuesFound(phoneDetector, text)).toEqual([]);
  });
});
