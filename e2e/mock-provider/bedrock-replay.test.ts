import { describe, expect, it } from "vitest";
import { ReplayGuard } from "./bedrock-replay.js";

describe("ReplayGuard", () => {
  it("accepts a signature once and refuses it again within the window", () => {
    const guard = new ReplayGuard(10_000);

    expect(guard.firstUse("sig-a", 1_000)).toBe(true);
    expect(guard.firstUse("sig-b", 2_000)).toBe(true);
    expect(guard.firstUse("sig-a", 10_999)).toBe(false);
  });

  it("forgets signatures once the window has passed", () => {
    const guard = new ReplayGuard(10_000);
    guard.firstUse("sig-a", 1_000);
    guard.firstUse("sig-b", 5_000);

    expect(guard.firstUse("sig-a", 11_000)).toBe(true);
    expect(guard.firstUse("sig-b", 11_000)).toBe(false);
  });
});
