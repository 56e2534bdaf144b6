import { describe, expect, it } from "vitest";
import { routeFor } from "./route-model.js";

const t = (provider: string) => [{ provider, weight: 1 }];
const policy = {
  routes: [
    { model: "gpt-*", targets: t("glob") },
    { model: "gpt-4o", targets: t("exact") },
    { model: "claude-?", targets: t("q") },
  ],
};

describe("routeFor", () => {
  it("prefers an exact name over a glob", () => {
    expect(routeFor(policy, "gpt-4o")?.targets[0]?.provider).toBe("exact");
    expect(routeFor(policy, "gpt-4o-mini")?.targets[0]?.provider).toBe("glob");
  });
  it("treats regex characters literally and ? as one character", () => {
    expect(routeFor(policy, "claude-3")?.targets[0]?.provider).toBe("q");
    expect(routeFor(policy, "claude-35")).toBeUndefined();
    expect(routeFor({ routes: [{ model: "a.b", targets: t("x") }] }, "aXb")).toBeUndefined();
  });
  it("returns undefined for an unknown model", () => {
    expect(routeFor(policy, "llama")).toBeUndefined();
  });
});
