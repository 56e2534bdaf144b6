import { Counter, Gauge, type Registry } from "prom-client";
import { refusalReasons } from "./limiter.js";

/**
 * The limiter's metrics. The only label is the refusal reason, a fixed set: key and policy ids
 * would give every relay key its own series and put names in a place with looser access.
 */
export function limiterMetrics(registry: Registry) {
  const rejections = new Counter({
    name: "kuberelay_gateway_limit_rejections_total",
    help: "Requests refused by a rate limit, concurrency limit, budget, or an unreachable limit store (fail-closed).",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  // Every reason starts at 0, so rate() and alerts see the series before the first refusal.
  for (const reason of refusalReasons) rejections.inc({ reason }, 0);
  return {
    rejections,
    storeErrors: new Counter({
      name: "kuberelay_gateway_limit_store_errors_total",
      help: "Limit store operations (admit or finish) that failed or timed out.",
      registers: [registry],
    }),
    storeUp: new Gauge({
      name: "kuberelay_gateway_limit_store_up",
      help: "1 when the limit store answered last, 0 when it failed or is disconnected.",
      registers: [registry],
    }),
  };
}
export type LimiterMetrics = ReturnType<typeof limiterMetrics>;
