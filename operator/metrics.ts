import { collectDefaultMetrics, Gauge, Registry } from "prom-client";

/** The operator's own metrics, served on its ops port. No label carries a Pod's or a key's name. */
export function createOperatorMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    podsMissingInjection: new Gauge({
      name: "kuberelay_operator_pods_missing_injection",
      help: "Pods that asked for kuberelay injection but were admitted without it (e.g. during a webhook outage); delete them to have them injected.",
      registers: [registry],
    }),
    leader: new Gauge({
      name: "kuberelay_operator_leader",
      help: "1 while this replica holds the leader Lease and writes, 0 while it stands by.",
      registers: [registry],
    }),
  };
}

export type OperatorMetrics = ReturnType<typeof createOperatorMetrics>;
