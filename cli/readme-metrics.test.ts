import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { limiterMetrics } from "../gateway/limits/limiter-metrics.js";
import { createGatewayMetrics } from "../gateway/metrics.js";
import { createOperatorMetrics } from "../operator/metrics.js";
import { createWebhookMetrics } from "../webhook/metrics.js";

/** Every metric name the three processes register, with a histogram's series names too. */
async function registeredNames(): Promise<Set<string>> {
  const gateway = createGatewayMetrics();
  limiterMetrics(gateway.registry);
  const registries = [gateway.registry, createOperatorMetrics().registry, createWebhookMetrics().registry];
  const names = new Set<string>();
  for (const registry of registries) {
    for (const metric of await registry.getMetricsAsJSON()) {
      names.add(metric.name);
      if (String(metric.type) === "histogram") {
        for (const suffix of ["_bucket", "_sum", "_count"]) names.add(metric.name + suffix);
      }
    }
  }
  return names;
}

describe("metric names in the README", () => {
  it("issue 10: every kuberelay_ metric the README names is one a process registers", async () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const mentioned = [...new Set(readme.match(/kuberelay_[a-z_]+/g) ?? [])];
    expect(mentioned.length).toBeGreaterThan(0);
    const registered = await registeredNames();
    expect(mentioned.filter((name) => !registered.has(name))).toEqual([]);
  });
});
