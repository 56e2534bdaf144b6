import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";
import type { AdmissionErrorReason, AdmissionOutcome, AdmissionResult, WarningReason } from "./admit.js";
import { BASE_URL_ENV_NAMES, KEY_ENV_NAMES } from "./injected-env.js";

/**
 * Latency buckets fine below 25 ms, where a healthy webhook lives (the goal is p99 < 20 ms), and
 * coarse up to the API server's 5 s timeout.
 */
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.015, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

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
    injections: new Counter({
      name: "kuberelay_webhook_injected_variables_total",
      help: "Environment variables injected, by name; a Pod counts once per variable, whatever its containers.",
      labelNames: ["variable"] as const,
      registers: [registry],
    }),
    warnings: new Counter({
      name: "kuberelay_webhook_warnings_total",
      help: "Warnings returned to Pod creators, by reason.",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    errors: new Counter({
      name: "kuberelay_webhook_errors_total",
      help: "Admissions that ended in an error (the Pod is still admitted, unchanged), by reason.",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: "kuberelay_webhook_admission_duration_seconds",
      help: "Time to answer one AdmissionReview, lookups included; the API server gives up at its timeoutSeconds.",
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
  };
}

export type WebhookMetrics = ReturnType<typeof createWebhookMetrics>;

const knownVariables: ReadonlySet<string> = new Set([...BASE_URL_ENV_NAMES, ...KEY_ENV_NAMES]);

export function recordAdmission(metrics: WebhookMetrics, outcome: AdmissionOutcome, seconds: number): void {
  const result: AdmissionResult = outcome.result;
  metrics.admissions.inc({ result });
  const reasons: readonly WarningReason[] = outcome.warningReasons;
  for (const reason of reasons) metrics.warnings.inc({ reason });
  const errorReason: AdmissionErrorReason | undefined = outcome.errorReason;
  if (errorReason !== undefined) metrics.errors.inc({ reason: errorReason });
  // Names come from our own list; the filter keeps that true should the summary ever carry others.
  for (const variable of outcome.summary.injected) {
    if (knownVariables.has(variable)) metrics.injections.inc({ variable });
  }
  metrics.duration.observe(seconds);
}
