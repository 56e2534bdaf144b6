import { describe, expect, it } from "vitest";
import { desiredStatus } from "./status-writer.js";

describe("desiredStatus", () => {
  it("sets observedGeneration on the status and on every condition", () => {
    const status = desiredStatus(
      { kind: "Policy", plural: "policies", obj: { metadata: { name: "p", namespace: "n", generation: 4 } } },
      [{ type: "Ready", status: "True", reason: "Ready", message: "" }],
      {},
      new Date("2026-01-01T00:00:00Z"),
    );
    expect(status.observedGeneration).toBe(4);
    expect(status.conditions?.[0]?.observedGeneration).toBe(4);
  });
});
