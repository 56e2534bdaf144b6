import { describe, expect, it } from "vitest";
import { WriteBackoff } from "./write-backoff.js";

describe("the back-off between failed writes", () => {
  it("doubles from a second up to its cap, ends at a success, and is skipped by a flush", () => {
    let now = 0;
    const backoff = new WriteBackoff(() => now, 5_000);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      backoff.failed();
      let waited = 0;
      while (backoff.waiting) {
        now += 100;
        waited += 100;
      }
      waits.push(waited);
    }
    expect(waits).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
    backoff.succeeded();
    backoff.failed();
    expect(backoff.waiting).toBe(true);
    backoff.skip();
    expect(backoff.waiting).toBe(false);
  });
});
