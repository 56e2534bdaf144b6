import express, { type Express } from "express";
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
  const app = express();
  app.disable("x-powered-by");
  app.get("/healthz", (_req, res) => {
    res.type("text/plain").send("ok");
  });
  app.get("/metrics", async (_req, res) => {
    res.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics());
  });
  app.get("/statusz", (_req, res) => {
    res.json(operatorStatus(options));
  });
  return app;
}
