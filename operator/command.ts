import { parseArgs } from "node:util";
import { DEFAULT_SHARD_BYTES } from "../common/config/config-shards.js";
import { keyEnvUsage } from "../common/crypto/key-env-usage.js";
import { kmsMetrics } from "../common/crypto/kms-metrics.js";
import { processKeyRing } from "../common/crypto/process-key-ring.js";
import { loadKubeConfig } from "../common/kube/kubeconfig.js";
import { LeaderElector } from "../common/kube/leader-election.js";
import { leaderIdentity } from "../common/kube/leader-identity.js";
import { kubeLeaseStore } from "../common/kube/lease-store.js";
import { createLogger } from "../common/log.js";
import { DEFAULT_CONFIG_SECRET } from "../common/names.js";
import { ownNamespace } from "../common/process/namespace.js";
import { parsePositiveInt } from "../common/process/parse-flag.js";
import { onShutdown } from "../common/process/shutdown.js";
import { startAudit } from "./audit/start-audit.js";
import { Controller } from "./controller.js";
import { EventRecorder, kubeEventSink } from "./events.js";
import {
  gatewayContentFlagOptions,
  gatewayContentFlagsUsage,
  parseGatewayContentFlags,
} from "./gateway-content-flags.js";
import { leaderFlagsUsage, leaderTimings, parseBool } from "./leader-flags.js";
import {
  type GatewayLimitCounting,
  gatewayLimitFlagOptions,
  gatewayLimitFlagsUsage,
  parseGatewayLimitFlags,
} from "./limits-condition.js";
import { ensureMasterKeyUsage, runEnsureMasterKey } from "./master-key/command.js";
import { createOperatorMetrics } from "./metrics.js";
import { startOperatorOps } from "./ops.js";
import { opsFlagOptions, opsFlagsUsage, parseOpsFlags } from "./ops-flags.js";
import { ownerDeploymentFlagUsage, resolveSecretOwner } from "./secret-owner.js";
import { parseWebhookTlsFlags, webhookTlsFlagOptions, webhookTlsFlagsUsage } from "./webhook-tls/config.js";
import { kubeTlsStore } from "./webhook-tls/kube-store.js";
import { WebhookTlsManager } from "./webhook-tls/manager.js";
import { webhookTlsReporter } from "./webhook-tls/report.js";

/** The Lease, in the operator's namespace, whose holder is the only operator that writes. */
export const OPERATOR_LEASE = "kuberelay-operator";

export const operatorUsage = `kuberelay operator [flags]
  --namespace NS           where the gateway config Secret and the Lease live (default: own namespace)
  --config-secret NAME     config Secret name (default ${DEFAULT_CONFIG_SECRET})
  --config-shard-bytes N   largest compressed config kept in one Secret; larger ones are split into
                           shard Secrets NAME-a-0.. / NAME-b-0.. (default ${DEFAULT_SHARD_BYTES})
${ownerDeploymentFlagUsage}
  --database-url URL       the audit trail's table in PostgreSQL (or DATABASE_URL), the gateways'
                           ledger database; without one, audited changes go to Events only
${gatewayContentFlagsUsage}
${gatewayLimitFlagsUsage}
${leaderFlagsUsage}
${webhookTlsFlagsUsage}
${opsFlagsUsage}
env: POD_NAME, KUBECONFIG or in-cluster credentials,
     ${keyEnvUsage}
${ensureMasterKeyUsage}`;

export async function runOperator(args: string[]): Promise<void> {
  if (args[0] === "ensure-master-key") return runEnsureMasterKey(args.slice(1));
  const { values } = parseArgs({
    args,
    options: {
      namespace: { type: "string" },
      "config-secret": { type: "string", default: DEFAULT_CONFIG_SECRET },
      "config-shard-bytes": { type: "string", default: String(DEFAULT_SHARD_BYTES) },
      "owner-deployment": { type: "string" },
      "database-url": { type: "string" },
      "leader-elect": { type: "string" },
      "lease-duration": { type: "string" },
      "renew-deadline": { type: "string" },
      "retry-period": { type: "string" },
      ...webhookTlsFlagOptions,
      ...opsFlagOptions,
      ...gatewayContentFlagOptions,
      ...gatewayLimitFlagOptions,
    },
  });
  const opsFlags = parseOpsFlags(values);
  const leaderElect = parseBool("leader-elect", values["leader-elect"], true);
  const timings = leaderTimings(values);
  const identity = leaderIdentity();
  const log = createLogger("operator");
  const metrics = createOperatorMetrics();
  const keys = processKeyRing(process.env, { observeKms: kmsMetrics(metrics.registry, "operator") });
  const namespace = ownNamespace(values.namespace);
  const kc = loadKubeConfig();
  const secretOwner = await resolveSecretOwner(kc, log, namespace, values["owner-deployment"]);
  const events = new EventRecorder(kubeEventSink(kc), log, identity);
  const audit = await startAudit(
    {
      url: values["database-url"] ?? process.env.DATABASE_URL,
      events: { sink: kubeEventSink(kc), instance: identity },
    },
    metrics,
    log,
  );
  const controller = new Controller(kc, log, keys, {
    namespace,
    configSecretName: values["config-secret"],
    configShardBytes: parsePositiveInt("config-shard-bytes", values["config-shard-bytes"]),
    secretOwner,
    events,
    metrics,
    audit: audit.auditor,
    gatewayContent: parseGatewayContentFlags(values),
    ...gatewayLimitsOption(parseGatewayLimitFlags(values)),
  });
  const webhookTls = parseWebhookTlsFlags(values, namespace);
  const ops = await startOperatorOps(kc, log, { identity, namespace, flags: opsFlags, metrics });
  const tls = webhookTls
    ? new WebhookTlsManager(
        kc,
        log,
        webhookTls,
        kubeTlsStore(kc, webhookTls, secretOwner),
        webhookTlsReporter(metrics, events, webhookTls),
      )
    : undefined;
  const started = {
    namespace,
    configSecret: values["config-secret"],
    identity,
    leaderElect,
    // Key ids are fingerprints or KMS key ARNs, never key material.
    sealingKey: keys.current.id,
    unwrapKeys: keys.ids,
    metricsPort: ops.port,
  };
  if (!leaderElect) {
    onShutdown(log, async () => {
      await tls?.stop();
      await controller.stop();
      await audit.close();
      await ops.stop();
    });
    await controller.start();
    tls?.start();
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
      tls?.start();
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
    await Promise.all([controller.stop(), tls?.stop()]);
    // The rows this leader queued are written before the next leader reads the table.
    await audit.close();
    await elector.release();
    await ops.stop();
  });
  // Caches fill before and regardless of leadership: a standby takes over warm.
  await controller.warm();
  log.info("started", started);
  campaigning = elector.run(campaign.signal);
}

const gatewayLimitsOption = (limits: GatewayLimitCounting | undefined) =>
  limits ? { gatewayLimits: limits } : {};
