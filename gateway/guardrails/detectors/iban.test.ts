import { describe, expect, it } from "vitest";
import { ibanDetector } from "./iban.js";
import { valuesFound } from "./testing.js";

describe("IBAN detector", () => {
  it.each([
    ["pay to DE89 3704 0044 0532 0130 00 please", "DE89 3704 0044 0532 0130 00"],
    ["GB82WEST12345698765432.", "GB82WEST12345698765432"],
    ["FR14 2004 1010 0505 0001 3M02 606 AND more", "FR14 2004 1010 0505 0001 3M02 606"],
    ["NL91ABNA0417164300", "NL91ABNA0417164300"],
    ["iban: BE68 5390 0754 7034 2024", "BE68 5390 0754 7034"],
  ])("finds the IBAN in %j", (text, value) => {
    expect(valuesFound(ibanDetector, text)).toEqual([value]);
  });

  it.each([
    "bad checksum DE88 3704 0044 0532 0130 00",
    "wrong length DE89 3704 0044 0532 0130",
    "unknown country QQ89 3704 0044 0532 0130 00",
    "a part number AB12CD34EF56GH78",
    "lower case de89370400440532013000",
  ])("finds nothing in %j", (text) => {
    expect(valuesFound(ibanDetector, text)).toEqual([]);
  });
});
