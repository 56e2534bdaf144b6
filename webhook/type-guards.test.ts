import { describe, expect, it } from "vitest";
import { isRecord, isUnknownArray } from "./type-guards.js";

describe("isRecord", () => {
  it("accepts plain objects only", () => {
    expect(isRecord({})).toBe(true);
    expect(isRecord({ a: 1 })).toBe(true);
    expect(isRecord([])).toBe(false);
    expect(isRecord(null)).toBe(false);
    expect(isRecord("x")).toBe(false);
    expect(isRecord(undefined)).toBe(false);
  });
});

describe("isUnknownArray", () => {
  it("accepts arrays only", () => {
    expect(isUnknownArray([])).toBe(true);
    expect(isUnknownArray({ length: 0 })).toBe(false);
  });
});
