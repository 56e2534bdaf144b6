import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";
import type { AdmissionOutcome, AdmissionResult, WarningReason } from "./admit.js";

/** Every label value comes from a fixed set, so a flood of odd Pods cannot blow up the series count. */
export function createWebhookMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    admissions: new Counter({
      name: "kuberelay_webhook_admissions_total",
      help: "AdmissionReviews answered, by result (injected, skipped, warned, error).",
      labelNames: ["result"] as const,
      registers: [registry],
    }),
    warnings: new Counter({
      name: "kuberelay_webhook_warnings_total",
      help: "Warnings returned to Pod creators, by reason.",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: "kuberelay_webhook_admission_duration_seconds",
      help: "Time to answer one AdmissionReview, lookups included; the API server gives up at its timeoutSeconds.",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}

export type WebhookMetrics = ReturnType<typeof createWebhookMetrics>;

export function recordAdmission(metrics: WebhookMetrics, outcome: AdmissionOutcome, seconds: number): void {
  const result: AdmissionResult = outcome.result;
  metrics.admissions.inc({ result });
  const reasons: readonly WarningReason[] = outcome.warningReasons;
  for (const reason of reasons) metrics.warnings.inc({ reason });
  metrics.duration.observe(seconds);
}
