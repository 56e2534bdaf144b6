import { describe, expect, it } from "vitest";
import { matchesLabelSelector } from "./label-selector.js";

describe("matchesLabelSelector", () => {
  const labels = { team: "a", tier: "prod" };
  it("matches labels and expressions", () => {
    expect(matchesLabelSelector({}, labels)).toBe(true);
    expect(matchesLabelSelector({ matchLabels: { team: "a" } }, labels)).toBe(true);
    expect(matchesLabelSelector({ matchLabels: { team: "b" } }, labels)).toBe(false);
    expect(
      matchesLabelSelector({ matchExpressions: [{ key: "tier", operator: "In", values: ["prod"] }] }, labels),
    ).toBe(true);
    expect(
      matchesLabelSelector(
        { matchExpressions: [{ key: "tier", operator: "NotIn", values: ["prod"] }] },
        labels,
      ),
    ).toBe(false);
    expect(matchesLabelSelector({ matchExpressions: [{ key: "x", operator: "DoesNotExist" }] }, labels)).toBe(
      true,
    );
    expect(matchesLabelSelector({ matchExpressions: [{ key: "x", operator: "Exists" }] }, labels)).toBe(
      false,
    );
  });
});
