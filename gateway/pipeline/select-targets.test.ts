import { describe, expect, it } from "vitest";
import { attemptPlan, backoffMs, orderTargets } from "./select-targets.js";

const t = (provider: string, weight: number) => ({ provider, weight });

describe("orderTargets", () => {
  it("picks the first target by weight and keeps the rest in listed order", () => {
    const targets = [t("a", 1), t("b", 3), t("c", 1)];
    expect(orderTargets(targets, () => 0).map((x) => x.provider)).toEqual(["a", "b", "c"]);
    expect(orderTargets(targets, () => 0.3).map((x) => x.provider)).toEqual(["b", "a", "c"]);
    expect(orderTargets(targets, () => 0.99).map((x) => x.provider)).toEqual(["c", "a", "b"]);
  });

  it("splits traffic by weight", () => {
    const counts = { a: 0, b: 0 };
    let seed = 1;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let i = 0; i < 4000; i++) {
      const first = orderTargets([t("a", 1), t("b", 3)], random)[0]?.provider as "a" | "b";
      counts[first]++;
    }
    expect(counts.b / 4000).toBeGreaterThan(0.7);
    expect(counts.b / 4000).toBeLessThan(0.8);
  });
});

describe("attemptPlan and backoff", () => {
  it("tries each target once, then retries within the bound", () => {
    expect(attemptPlan(["a", "b"], 3)).toEqual(["a", "b", "a"]);
    expect(attemptPlan(["a"], 2)).toEqual(["a", "a"]);
    expect(attemptPlan(["a", "b", "c"], 2)).toEqual(["a", "b", "c"]);
  });
  it("backs off exponentially with jitter and a cap", () => {
    expect(backoffMs(1, () => 0.5)).toBe(50);
    expect(backoffMs(3, () => 0.5)).toBe(200);
    expect(backoffMs(10, () => 1)).toBe(1500);
    expect(backoffMs(1, () => 0)).toBe(25);
  });
});
