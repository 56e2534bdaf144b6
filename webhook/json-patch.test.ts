import { describe, expect, it } from "vitest";
import { diffAdditions, NonAdditiveChangeError } from "./json-patch.js";
import { applyJsonPatch } from "./testing/apply-json-patch.js";

describe("diffAdditions", () => {
  it("returns nothing for equal documents", () => {
    expect(diffAdditions({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
  });

  it("adds new members and appends new array elements", () => {
    const before = { spec: { containers: [{ name: "a", env: [{ name: "X", value: "1" }] }, { name: "b" }] } };
    const after = {
      spec: {
        containers: [
          {
            name: "a",
            env: [
              { name: "X", value: "1" },
              { name: "Y", value: "2" },
            ],
          },
          { name: "b", env: [{ name: "Y", value: "2" }] },
        ],
      },
    };
    const patch = diffAdditions(before, after);
    expect(patch).toEqual([
      { op: "add", path: "/spec/containers/0/env/-", value: { name: "Y", value: "2" } },
      { op: "add", path: "/spec/containers/1/env", value: [{ name: "Y", value: "2" }] },
    ]);
    expect(applyJsonPatch(before, patch)).toEqual(after);
  });

  it("escapes member names in paths", () => {
    expect(diffAdditions({ m: {} }, { m: { "a/b~c": "v" } })).toEqual([
      { op: "add", path: "/m/a~1b~0c", value: "v" },
    ]);
  });

  it("replaces a changed object member with add", () => {
    expect(diffAdditions({ m: { k: "old", n: null } }, { m: { k: "new", n: [] } })).toEqual([
      { op: "add", path: "/m/k", value: "new" },
      { op: "add", path: "/m/n", value: [] },
    ]);
  });

  it("throws on removals and changed array elements", () => {
    expect(() => diffAdditions({ a: 1, b: 2 }, { a: 1 })).toThrow(NonAdditiveChangeError);
    expect(() => diffAdditions({ l: [1, 2] }, { l: [1] })).toThrow(/"\/l"/);
    expect(() => diffAdditions({ l: [1, 2] }, { l: [1, 3] })).toThrow(/"\/l\/1"/);
    expect(() => diffAdditions({ a: 1 }, [1])).toThrow(NonAdditiveChangeError);
  });
});
