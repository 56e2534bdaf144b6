import type { KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "../common/log.js";
import { drain, listen } from "../common/process/listen.js";
import { kubeEventSink } from "./events.js";
import type { OperatorMetrics } from "./metrics.js";
import { type MissedInjectionWatch, watchMissedInjections } from "./missed-injections/watch.js";
import { createOperatorOpsApp } from "./ops-app.js";
import type { OpsFlags } from "./ops-flags.js";

export interface OperatorOps {
  /** The bound ops port (differs from the flag when that was 0). */
  port: number;
  /** This replica now leads: it writes the InjectionMissed Events from here on. */
  lead(): void;
  stop(): Promise<void>;
}

/**
 * The operator's ops port and what it reports: the missed-injection watch runs on every replica
 * (each serves the same count), independent of leadership, which only decides who writes Events.
 */
export async function startOperatorOps(
  kc: KubeConfig,
  log: Logger,
  opts: { identity: string; namespace: string; flags: OpsFlags; metrics: OperatorMetrics },
): Promise<OperatorOps> {
  const { metrics } = opts;
  metrics.leader.set(0);
  let leading = false;
  let watch: MissedInjectionWatch | undefined;
  if (opts.flags.reportMissedInjections) {
    watch = watchMissedInjections(kc, log, {
      scope: { ownNamespace: opts.namespace, excludedNamespaces: opts.flags.webhookExcludedNamespaces },
      sink: kubeEventSink(kc),
      reportingInstance: opts.identity,
      onCount: (count) => metrics.podsMissingInjection.set(count),
    });
    metrics.podsMissingInjection.set(0);
  }
  const app = createOperatorOpsApp({
    metrics,
    status: () => ({ identity: opts.identity, leading, missedPods: watch?.reporter.snapshot() ?? [] }),
  });
  const { server, port } = await listen(app, opts.flags.metricsPort, "0.0.0.0").catch(
    async (err: unknown) => {
      await watch?.stop();
      throw err;
    },
  );
  return {
    port,
    lead() {
      leading = true;
      metrics.leader.set(1);
      watch?.reporter.lead();
    },
    async stop() {
      await Promise.all([watch?.stop(), drain(server, 2_000)]);
    },
  };
}
