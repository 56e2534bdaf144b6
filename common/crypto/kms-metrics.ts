import { Counter, Histogram, type Registry } from "prom-client";
import type { KmsCallObserver } from "./kms-key.js";

/**
 * KMS requests as metrics, for a process that uses a KMS key: throttling or a key policy that
 * denies shows up here before it shows up as a refused config. Labels are bounded: three
 * operations, two outcomes.
 */
export function kmsMetrics(registry: Registry, component: "gateway" | "operator"): KmsCallObserver {
  const requests = new Counter({
    name: `kuberelay_${component}_kms_requests_total`,
    help: "KMS requests by operation (Decrypt, Encrypt, GenerateDataKey) and outcome (ok, error).",
    labelNames: ["operation", "outcome"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: `kuberelay_${component}_kms_request_duration_seconds`,
    help: "KMS request time by operation, retries by the SDK included.",
    labelNames: ["operation"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return ({ operation, outcome, seconds }) => {
    requests.inc({ operation, outcome });
    duration.observe({ operation }, seconds);
  };
}
