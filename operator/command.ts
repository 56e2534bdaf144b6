import { parseArgs } from "node:util";
import { localMasterKey, parseMasterKey } from "../common/crypto/envelope.js";
import { loadKubeConfig } from "../common/kube/kubeconfig.js";
import { LeaderElector } from "../common/kube/leader-election.js";
import { leaderIdentity } from "../common/kube/leader-identity.js";
import { kubeLeaseStore } from "../common/kube/lease-store.js";
import { createLogger } from "../common/log.js";
import { DEFAULT_CONFIG_SECRET } from "../common/names.js";
import { ownNamespace } from "../common/process/namespace.js";
import { onShutdown } from "../common/process/shutdown.js";
import { Controller } from "./controller.js";
import { EventRecorder, kubeEventSink } from "./events.js";
import { leaderFlagsUsage, leaderTimings, parseBool } from "./leader-flags.js";
import { startOperatorOps } from "./ops.js";
import { opsFlagOptions, opsFlagsUsage, parseOpsFlags } from "./ops-flags.js";

/** The Lease, in the operator's namespace, whose holder is the only operator that writes. */
export const OPERATOR_LEASE = "kuberelay-operator";

export const operatorUsage = `kuberelay operator [flags]
  --namespace NS           where the gateway config Secret and the Lease live (default: own namespace)
  --config-secret NAME     config Secret name (default ${DEFAULT_CONFIG_SECRET})
${leaderFlagsUsage}
${opsFlagsUsage}
env: KUBERELAY_MASTER_KEY (base64, 32 bytes), POD_NAME, KUBECONFIG or in-cluster credentials`;

export async function runOperator(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      namespace: { type: "string" },
      "config-secret": { type: "string", default: DEFAULT_CONFIG_SECRET },
      "leader-elect": { type: "string" },
      "lease-duration": { type: "string" },
      "renew-deadline": { type: "string" },
      "retry-period": { type: "string" },
      ...opsFlagOptions,
    },
  });
  const opsFlags = parseOpsFlags(values);
  const leaderElect = parseBool("leader-elect", values["leader-elect"], true);
  const timings = leaderTimings(values);
  const identity = leaderIdentity();
  const log = createLogger("operator");
  const kek = localMasterKey(parseMasterKey(process.env.KUBERELAY_MASTER_KEY));
  const namespace = ownNamespace(values.namespace);
  const kc = loadKubeConfig();
  const controller = new Controller(kc, log, kek, {
    namespace,
    configSecretName: values["config-secret"],
    events: new EventRecorder(kubeEventSink(kc), log, identity),
  });
  const ops = await startOperatorOps(kc, log, { identity, namespace, flags: opsFlags });
  const started = {
    namespace,
    configSecret: values["config-secret"],
    identity,
    leaderElect,
    metricsPort: ops.port,
  };
  if (!leaderElect) {
    onShutdown(log, async () => {
      await controller.stop();
      await ops.stop();
    });
    await controller.start();
    ops.lead();
    log.info("started", started);
    return;
  }

  const campaign = new AbortController();
  let shuttingDown = false;
  const elector = new LeaderElector({
    identity,
    store: kubeLeaseStore(kc, namespace, OPERATOR_LEASE),
    log,
    timings,
    onStartedLeading: () => {
      log.info("leading", { identity, lease: `${namespace}/${OPERATOR_LEASE}` });
      controller.work();
      ops.lead();
    },
    onStoppedLeading: () => {
      log.info("stopped leading", { identity });
      // Lost, not given up: exit at once so no write races the new leader; Kubernetes restarts us.
      if (!shuttingDown) process.exit(1);
    },
  });
  let campaigning: Promise<unknown> = Promise.resolve();
  onShutdown(log, async () => {
    shuttingDown = true;
    campaign.abort();
    await campaigning;
    // Writes stop before the lease is given up, so the next leader never overlaps with us.
    await controller.stop();
    await elector.release();
    await ops.stop();
  });
  // Caches fill before and regardless of leadership: a standby takes over warm.
  await controller.warm();
  log.info("started", started);
  campaigning = elector.run(campaign.signal);
}
