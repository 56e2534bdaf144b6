import type { Express } from "express";
import { createOpsApp } from "../common/process/ops-app.js";
import type { OperatorMetrics } from "./metrics.js";
import type { MissedPod } from "./missed-injections/missed-injection.js";

/** At most this many Pods are listed by name in /statusz; the count is always exact. */
export const STATUS_POD_LIMIT = 100;

export interface OperatorStatus {
  identity: string;
  leading: boolean;
  missedInjections: { count: number; pods: MissedPod[]; truncated: boolean };
}

export interface OperatorOpsOptions {
  metrics: OperatorMetrics;
  status: () => { identity: string; leading: boolean; missedPods: readonly MissedPod[] };
}

export function operatorStatus(options: OperatorOpsOptions): OperatorStatus {
  const { identity, leading, missedPods } = options.status();
  return {
    identity,
    leading,
    missedInjections: {
      count: missedPods.length,
      pods: missedPods.slice(0, STATUS_POD_LIMIT),
      truncated: missedPods.length > STATUS_POD_LIMIT,
    },
  };
}

/** Plain HTTP for Prometheus, kubelet probes and people: /metrics, /healthz and /statusz (JSON). */
export function createOperatorOpsApp(options: OperatorOpsOptions): Express {
  const app = createOpsApp(options.metrics.registry);
  app.get("/statusz", (_req, res) => {
    res.json(operatorStatus(options));
  });
  return app;
}
