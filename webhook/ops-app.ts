import type { Express } from "express";
import { createOpsApp as createBaseOpsApp } from "../common/process/ops-app.js";
import type { WebhookMetrics } from "./metrics.js";

/** Plain HTTP beside the TLS admission port: Prometheus and kubelet probes need no client certificate. */
export function createOpsApp(metrics: WebhookMetrics): Express {
  return createBaseOpsApp(metrics.registry);
}
