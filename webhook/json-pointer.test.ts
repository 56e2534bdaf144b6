import { describe, expect, it } from "vitest";
import { escapePointerToken, toPointer, unescapePointerToken } from "./json-pointer.js";

describe("escapePointerToken", () => {
  it("escapes ~ before / so the two never mix", () => {
    expect(escapePointerToken("kuberelay.dev/injected")).toBe("kuberelay.dev~1injected");
    expect(escapePointerToken("a~b")).toBe("a~0b");
    expect(escapePointerToken("~/")).toBe("~0~1");
    expect(escapePointerToken("~1")).toBe("~01");
  });

  it("round-trips through unescape", () => {
    for (const token of ["plain", "a/b", "a~b", "~1", "~0/~", ""]) {
      expect(unescapePointerToken(escapePointerToken(token))).toBe(token);
    }
  });
});

describe("toPointer", () => {
  it("joins escaped segments", () => {
    expect(toPointer(["metadata", "annotations", "example.com/a~b"])).toBe(
      "/metadata/annotations/example.com~1a~0b",
    );
    expect(toPointer(["spec", "containers", 0, "env", "-"])).toBe("/spec/containers/0/env/-");
    expect(toPointer([])).toBe("");
  });
});
