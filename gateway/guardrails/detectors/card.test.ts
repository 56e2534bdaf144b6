import { describe, expect, it } from "vitest";
import { cardDetector } from "./card.js";
import { valuesFound } from "./testing.js";

describe("card detector", () => {
  it.each([
    ["Visa 4111 1111 1111 1111 exp 12/27", "4111 1111 1111 1111"],
    ["mc 5500-0000-0000-0004.", "5500-0000-0000-0004"],
    ["amex 3782 822463 10005", "3782 822463 10005"],
    ["plain 6011111111111117", "6011111111111117"],
    ["2-series 2223003122003222", "2223003122003222"],
    ["jcb 3530111333300000", "3530111333300000"],
  ])("finds the card in %j", (text, value) => {
    expect(valuesFound(cardDetector, text)).toEqual([value]);
  });

  it.each([
    "Luhn fails: 4111 1111 1111 1112",
    "unknown issuer 9111111111111111",
    "order 1234567812345670",
    "id 0000000000000000",
    "phone-like 4111-111-111-1111",
    "part of 4111111111111111-A7",
    "timestamp 1700000000123",
    "mixed 4111 1111-1111 1111",
  ])("finds nothing in %j", (text) => {
    expect(valuesFound(cardDetector, text)).toEqual([]);
  });
});
