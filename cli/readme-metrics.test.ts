import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { registeredMetricNames } from "../e2e/harness/registered-metrics.js";

describe("metric names in the README", () => {
  it("issue 10: every kuberelay_ metric the README names is one a process registers", async () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const mentioned = [...new Set(readme.match(/kuberelay_[a-z_]+/g) ?? [])];
    expect(mentioned.length).toBeGreaterThan(0);
    const registered = await registeredMetricNames();
    expect(mentioned.filter((name) => !registered.has(name))).toEqual([]);
  });
});
