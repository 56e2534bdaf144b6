import { describe, expect, it } from "vitest";
import { applyJsonPatch } from "./apply-json-patch.js";

describe("applyJsonPatch", () => {
  it("adds object members, appends and inserts into arrays", () => {
    const doc = { a: { "x/y": 1 }, list: [1, 3] };
    const result = applyJsonPatch(doc, [
      { op: "add", path: "/a/b~1c~0d", value: 2 },
      { op: "add", path: "/list/-", value: 4 },
      { op: "add", path: "/list/1", value: 2 },
    ]);
    expect(result).toEqual({ a: { "x/y": 1, "b/c~d": 2 }, list: [1, 2, 3, 4] });
    expect(doc).toEqual({ a: { "x/y": 1 }, list: [1, 3] });
  });

  it("refuses missing parents and other operations", () => {
    expect(() => applyJsonPatch({}, [{ op: "add", path: "/a/b", value: 1 }])).toThrow(/does not exist/);
    expect(() => applyJsonPatch({}, [{ op: "remove", path: "/a" }])).toThrow(/unsupported/);
  });
});
