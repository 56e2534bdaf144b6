/** Every metric name our three processes register, read from their registries built in-process. */
import { kmsMetrics } from "../../common/crypto/kms-metrics.js";
import { limiterMetrics } from "../../gateway/limits/limiter-metrics.js";
import { createGatewayMetrics } from "../../gateway/metrics.js";
import { createOperatorMetrics } from "../../operator/metrics.js";
import { createWebhookMetrics } from "../../webhook/metrics.js";

/** With a histogram's `_bucket`, `_sum` and `_count` series, which is what queries name. */
export async function registeredMetricNames(): Promise<Set<string>> {
  const gateway = createGatewayMetrics();
  // Registered by the gateway when it has a limiter, and by either process with a KMS key.
  limiterMetrics(gateway.registry);
  kmsMetrics(gateway.registry, "gateway");
  const operator = createOperatorMetrics();
  kmsMetrics(operator.registry, "operator");
  const names = new Set<string>();
  for (const r of [gateway.registry, operator.registry, createWebhookMetrics().registry]) {
    for (const metric of await r.getMetricsAsJSON()) {
      names.add(metric.name);
      if (String(metric.type) === "histogram") {
        for (const suffix of ["_bucket", "_sum", "_count"]) names.add(metric.name + suffix);
      }
    }
  }
  return names;
}
