import { describe, expect, it } from "vitest";
import { ssnDetector } from "./ssn.js";
import { valuesFound } from "./testing.js";

describe("SSN detector", () => {
  it.each([
    ["SSN 536-90-4399 on file", "536-90-4399"],
    ["his social security number is 536 90 4399", "536 90 4399"],
    ["ssn: 536904399", "536904399"],
  ])("finds the SSN in %j", (text, value) => {
    expect(valuesFound(ssnDetector, text)).toEqual([value]);
  });

  it.each([
    "area 000-12-3456",
    "area 666-12-3456",
    "area 912-12-3456",
    "group 536-00-4399",
    "serial 536-90-0000",
    "the wallet sample 078-05-1120",
    "order 536-90-4399",
    "spaced without a name 536 90 4399",
    "bare 536904399 without a name",
    "date 2024-01-15",
    "part 536-90-4399-X",
  ])("finds nothing in %j", (text) => {
    expect(valuesFound(ssnDetector, text)).toEqual([]);
  });
});
