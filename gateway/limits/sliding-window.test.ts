import { describe, expect, it } from "vitest";
import {
  msUntilAtMost,
  msUntilDrained,
  previousWeight,
  slidingCount,
  windowPosition,
} from "./sliding-window.js";

const at = (elapsedMs: number) => windowPosition(10 * 60_000 + elapsedMs, 60_000);

describe("sliding window", () => {
  it("places a time in its fixed window", () => {
    expect(windowPosition(125_000, 60_000)).toEqual({ index: 2, elapsedMs: 5_000, lengthMs: 60_000 });
  });

  it("weights the previous window by how much of it the sliding minute still covers", () => {
    expect(previousWeight(at(15_000))).toBe(0.75);
    expect(slidingCount({ previous: 40, current: 10 }, at(15_000))).toBe(40);
  });

  it("waits only for the previous window to decay when the current one has room", () => {
    // 60·(1 − f) + 20 ≤ 49  ⇒  f ≥ 31/60: 31 s into the window, 1 s from now.
    expect(msUntilAtMost({ previous: 60, current: 20 }, at(30_000), 49)).toBeCloseTo(1_000, 6);
  });

  it("waits into the next window when the current one alone is over", () => {
    // 30 s to the boundary, then 10·(1 − t/60) ≤ 4 ⇒ t ≥ 36 s.
    expect(msUntilAtMost({ previous: 0, current: 10 }, at(30_000), 4)).toBeCloseTo(66_000, 6);
  });

  it("needs no wait when the count already fits", () => {
    expect(msUntilAtMost({ previous: 2, current: 1 }, at(0), 4)).toBe(0);
  });

  it("drains after this window and the next when the current window has counts", () => {
    expect(msUntilDrained({ previous: 0, current: 1 }, at(45_000))).toBe(75_000);
    expect(msUntilDrained({ previous: 5, current: 0 }, at(45_000))).toBe(15_000);
    expect(msUntilDrained({ previous: 0, current: 0 }, at(45_000))).toBe(0);
  });
});
