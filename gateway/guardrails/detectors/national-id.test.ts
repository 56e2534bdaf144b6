import { describe, expect, it } from "vitest";
import { nationalIdDetector } from "./national-id.js";
import { valuesFound } from "./testing.js";

describe("national id detector", () => {
  it.each([
    ["NINO AB123456C.", "AB123456C"],
    ["NI number JG 12 34 56 A", "JG 12 34 56 A"],
    ["DNI 12345678Z", "12345678Z"],
    ["NIE X-1234567-L", "X-1234567-L"],
    ["NIR 2 55 08 14 168 025 38", "2 55 08 14 168 025 38"],
    ["numéro 255081416802538", "255081416802538"],
  ])("finds the id in %j", (text, value) => {
    expect(valuesFound(nationalIdDetector, text)).toEqual([value]);
  });

  it.each([
    "bad NINO prefix GB123456C",
    "bad NINO letter QQ123456C",
    "NINO with bad suffix AB123456E",
    "DNI with the wrong letter 12345678A",
    "NIR with a bad key 255081416802539",
    "NIR with month 13: 255131416802538",
    "sku AB123456C-2",
  ])("finds nothing in %j", (text) => {
    expect(valuesFound(nationalIdDetector, text)).toEqual([]);
  });
});
