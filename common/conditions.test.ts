import { describe, expect, it } from "vitest";
import { isConditionTrue, setCondition } from "./conditions.js";

const t0 = new Date("2026-01-01T00:00:00Z");
const t1 = new Date("2026-01-01T00:01:00Z");

describe("setCondition", () => {
  it("adds a condition with observedGeneration", () => {
    const list = setCondition(
      [],
      { type: "Ready", status: "True", reason: "Compiled", message: "ok" },
      3,
      t0,
    );
    expect(list).toEqual([
      {
        type: "Ready",
        status: "True",
        reason: "Compiled",
        message: "ok",
        observedGeneration: 3,
        lastTransitionTime: t0.toISOString(),
      },
    ]);
  });

  it("keeps lastTransitionTime while the status holds, moves it on a flip", () => {
    const a = setCondition([], { type: "Ready", status: "True", reason: "A", message: "" }, 1, t0);
    const b = setCondition(a, { type: "Ready", status: "True", reason: "B", message: "changed" }, 2, t1);
    expect(b[0]?.lastTransitionTime).toBe(t0.toISOString());
    expect(b[0]?.reason).toBe("B");
    const c = setCondition(b, { type: "Ready", status: "False", reason: "C", message: "" }, 2, t1);
    expect(c[0]?.lastTransitionTime).toBe(t1.toISOString());
    expect(isConditionTrue(c, "Ready")).toBe(false);
  });

  it("leaves other conditions alone", () => {
    const a = setCondition([], { type: "Accepted", status: "True", reason: "Valid", message: "" }, 1, t0);
    const b = setCondition(a, { type: "Ready", status: "False", reason: "X", message: "" }, 1, t0);
    expect(b.map((c) => c.type)).toEqual(["Accepted", "Ready"]);
  });
});
