import { afterEach, describe, expect, it, vi } from "vitest";
import { Wakeups } from "./wakeups.js";

describe("Wakeups", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("fires a key once, at the earliest instant asked for", () => {
    vi.useFakeTimers();
    const fired: string[] = [];
    const w = new Wakeups((k) => fired.push(k));
    w.at("a", 1_000, 0);
    w.at("a", 5_000, 0);
    w.at("a", 500, 0);
    vi.advanceTimersByTime(600);
    expect(fired).toEqual(["a"]);
    vi.advanceTimersByTime(10_000);
    expect(fired).toEqual(["a"]);
  });

  it("splits waits longer than the maximum so that Node never fires them early", () => {
    vi.useFakeTimers();
    const fired: string[] = [];
    const w = new Wakeups((k) => fired.push(k), 1_000);
    w.at("far", 30 * 24 * 3600 * 1000, 0);
    vi.advanceTimersByTime(999);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(fired).toEqual(["far"]);
    w.stop();
  });
});
