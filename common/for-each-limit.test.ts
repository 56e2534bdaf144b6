import { describe, expect, it } from "vitest";
import { forEachLimit } from "./for-each-limit.js";

describe("forEachLimit", () => {
  it("never has more than the limit in flight and visits every item once", async () => {
    let active = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachLimit([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 5));
      seen.push(n);
      active--;
    });
    expect(peak).toBe(3);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("finishes the other items before rejecting with the first failure", async () => {
    const seen: number[] = [];
    const run = forEachLimit([1, 2, 3], 2, async (n) => {
      if (n === 1) throw new Error("one failed");
      seen.push(n);
    });
    await expect(run).rejects.toThrow("one failed");
    expect(seen).toEqual([2, 3]);
  });

  it("does nothing for no items", async () => {
    await expect(forEachLimit([], 4, async () => {})).resolves.toBeUndefined();
  });
});
