import { parseArgs } from "node:util";
import { keyEnvUsage } from "../common/crypto/key-env-usage.js";
import { createLogger, type Logger } from "../common/log.js";
import { DEFAULT_CONFIG_SECRET } from "../common/names.js";
import { listenDualProtocol } from "../common/process/dual-protocol-server.js";
import { drain, listen } from "../common/process/listen.js";
import { ownNamespace } from "../common/process/namespace.js";
import { parsePositiveInt } from "../common/process/parse-flag.js";
import { onShutdown } from "../common/process/shutdown.js";
import { startAdmin } from "./admin/start-admin.js";
import { createGatewayApp } from "./app.js";
import { callerTimeouts } from "./caller-timeouts.js";
import { contentRetentionOf, contentSettings } from "./content/content-settings.js";
import { ledgerLocation } from "./ledger/ledger-location.js";
import { startLedger } from "./ledger/start-ledger.js";
import { createLimiter } from "./limits/create-limiter.js";
import { limiterMetrics } from "./limits/limiter-metrics.js";
import { type ConfigOrigin, listeningFields } from "./listening-fields.js";
import { createGatewayMetrics, type GatewayMetrics } from "./metrics.js";
import { watchNewBudgets } from "./new-budgets.js";
import { createOpsApp } from "./ops-app.js";
import type { InferenceDeps } from "./pipeline/handle-inference.js";
import { costUsd } from "./pricing/pricing-table.js";
import { showGeneration } from "./settled-metrics.js";
import { SnapshotHolder } from "./snapshot.js";
import { ConfigProblemBoard } from "./standalone/config-problem-board.js";
import { startStandaloneConfig } from "./standalone/start-standalone-config.js";

export const gatewayUsage = `kuberelay gateway [flags]
  --port N                 inference port (default 8787)
  --metrics-port N         metrics and health port (default 9090)
  --admin-port N           admin API port: usage reports (default 9091; on only with
                           KUBERELAY_ADMIN_TOKEN set and a usage ledger)
  --host ADDR              bind address (default 0.0.0.0)
  --namespace NS           namespace of the config Secret (default: own namespace)
  --config-secret NAME     config Secret name (default ${DEFAULT_CONFIG_SECRET})
  --drain-seconds N        on SIGTERM, how long in-flight streams may finish (default 30)
  --drain-idle-grace-ms N  on SIGTERM, a caller's keep-alive connection is closed once idle N ms;
                           until then its next response says Connection: close (default 2000)
  --headers-timeout-seconds N  a request's line and headers must arrive within N s (default 20)
  --request-timeout-seconds N  a whole request, body included, must arrive within N s (default 120)
  --config-dir DIR         standalone: read ProviderKey/Policy/RelayKey/Secret YAML from DIR (no cluster)
  --redis-url URL          shared limit counters for all replicas (or REDIS_URL); without it, in memory
  --database-url URL       the usage ledger in PostgreSQL (or DATABASE_URL)
  --data-dir DIR           the usage ledger in an embedded PostgreSQL in DIR (or KUBERELAY_DATA_DIR);
                           standalone, by default $XDG_DATA_HOME/kuberelay or ~/.local/share/kuberelay
  --no-ledger              keep no usage ledger (budgets then restart from zero without Redis)
  --ledger-retention-months N  keep the ledger's current month and the N before it (default 13)
  --ledger-spool-dir DIR   ledger rows wait here while the database is away, and at shutdown
                           (or KUBERELAY_LEDGER_SPOOL_DIR; default DIR/spool of --data-dir)
env: KUBECONFIG or in-cluster credentials, and (not in standalone mode)
     ${keyEnvUsage}`;

/** Standalone mode: the same resources from files, compiled in-process, reloaded on change. */
async function watchConfigDir(
  dir: string,
  snapshots: SnapshotHolder,
  metrics: GatewayMetrics,
  board: ConfigProblemBoard,
  log: Logger,
) {
  return startStandaloneConfig({
    dir,
    log,
    onProblems: (problems) => board.set(problems),
    onSnapshot: (s) => {
      snapshots.swap(s);
      metrics.configReloads.inc({ outcome: "applied" });
      metrics.configKeys.set(s.keys.size);
      metrics.configAppliedAt.setToCurrentTime();
    },
    onRefused: () => metrics.configReloads.inc({ outcome: "refused" }),
  });
}

/**
 * In a cluster: the config Secret, through the API server, opened with the key ring from the
 * environment. Loaded only here, so that a standalone gateway never loads the Kubernetes client
 * or the KMS SDK (tens of MiB of heap it would not use).
 */
async function watchClusterConfig(
  target: { namespace: string; secretName: string },
  snapshots: SnapshotHolder,
  metrics: GatewayMetrics,
  log: Logger,
) {
  const [{ watchConfigSecret }, { loadKubeConfig }, { processKeyRing }, { kmsMetrics }] = await Promise.all([
    import("./config-source.js"),
    import("../common/kube/kubeconfig.js"),
    import("../common/crypto/process-key-ring.js"),
    import("../common/crypto/kms-metrics.js"),
  ]);
  const keys = processKeyRing(process.env, { observeKms: kmsMetrics(metrics.registry, "gateway") });
  // Ids are fingerprints and KMS key ids, never key material: they show a rotation's step 1 took.
  log.info("key-encryption keys loaded", { unwrapKeys: keys.ids });
  for (const kek of keys.ids) metrics.keyEncryptionKeys.set({ kek }, 1);
  return watchConfigSecret(loadKubeConfig(), target, keys, snapshots, metrics, log);
}

export async function runGateway(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string", default: "8787" },
      "metrics-port": { type: "string", default: "9090" },
      "admin-port": { type: "string", default: "9091" },
      host: { type: "string", default: "0.0.0.0" },
      namespace: { type: "string" },
      "config-secret": { type: "string", default: DEFAULT_CONFIG_SECRET },
      "drain-seconds": { type: "string", default: "30" },
      "drain-idle-grace-ms": { type: "string" },
      "headers-timeout-seconds": { type: "string" },
      "request-timeout-seconds": { type: "string" },
      "redis-url": { type: "string" },
      "config-dir": { type: "string" },
      "database-url": { type: "string" },
      "data-dir": { type: "string" },
      "no-ledger": { type: "boolean", default: false },
      "ledger-retention-months": { type: "string", default: "13" },
      "ledger-spool-dir": { type: "string" },
    },
  });
  const log = createLogger("gateway");
  const metrics = createGatewayMetrics();
  const showGen = showGeneration(metrics.genAi);
  // Set once the limiter exists: a budget a later config adds starts from the ledger's spend.
  let onNewBudgets = () => {};
  const newBudgets = watchNewBudgets(() => onNewBudgets());
  const snapshots = new SnapshotHolder((next) => {
    showGen(next);
    newBudgets(next);
  });
  const configDir = values["config-dir"];
  const origin: ConfigOrigin = configDir
    ? { configDir }
    : { namespace: ownNamespace(values.namespace), configSecret: values["config-secret"] };
  const board = new ConfigProblemBoard(metrics);
  const source =
    "configDir" in origin
      ? await watchConfigDir(origin.configDir, snapshots, metrics, board, log)
      : await watchClusterConfig(
          { namespace: origin.namespace, secretName: origin.configSecret },
          snapshots,
          metrics,
          log,
        );

  const redisUrl = values["redis-url"] ?? process.env.REDIS_URL;
  const ledgerAt = ledgerLocation({
    url: values["database-url"] ?? process.env.DATABASE_URL,
    dataDir: values["data-dir"] ?? process.env.KUBERELAY_DATA_DIR,
    noLedger: values["no-ledger"],
    standalone: configDir !== undefined,
  });
  const ledger = await startLedger(
    {
      ...ledgerAt,
      retentionMonths: wholeNumber(values["ledger-retention-months"], "--ledger-retention-months"),
      spoolDir: values["ledger-spool-dir"] ?? process.env.KUBERELAY_LEDGER_SPOOL_DIR,
      contentRetention: () => contentRetentionOf(snapshots),
    },
    metrics,
    log,
  );
  let lastStoreWarning = 0;
  const limiter = await createLimiter({
    ...(redisUrl ? { redisUrl } : {}),
    // In memory budgets would start from zero at every restart, and a Redis that restarted empty
    // would forget the day's spend: the ledger has the sums.
    ...(ledger ? { spendFloor: () => ledger.spendSoFar(), onSpendFloor: spendFloorLog(log) } : {}),
    metrics: limiterMetrics(metrics.registry),
    onStoreError: (err) => {
      // One line per 10 s is enough to say the store is down; the metric counts every error.
      if (Date.now() - lastStoreWarning < 10_000) return;
      lastStoreWarning = Date.now();
      log.warn("limit store unavailable; answering per each Policy's failOpen", { error: err });
    },
  });
  onNewBudgets = () => void limiter.applySpendFloor();
  const deps: InferenceDeps = {
    snapshots,
    log,
    metrics,
    limiter,
    ledger,
    content: contentSettings(ledger !== undefined, log),
    price: costUsd,
    defaultMaxBodyBytes: 10 * 1024 * 1024,
    maxAttempts: 3,
    defaultTimeoutMs: 600_000,
  };
  // HTTP/1.1 and cleartext HTTP/2 on one port: the Bedrock runtime SDK speaks HTTP/2.
  const api = await listenDualProtocol(createGatewayApp(deps), Number(values.port), values.host, {
    ...callerTimeouts(values["headers-timeout-seconds"], values["request-timeout-seconds"]),
    ...(values["drain-idle-grace-ms"] === undefined
      ? {}
      : { drainIdleGraceMs: parsePositiveInt("drain-idle-grace-ms", values["drain-idle-grace-ms"]) }),
    // Such as EMFILE on accept: the port keeps serving, but someone should know.
    onServerError: (err) => log.warn("inference port error", { error: err }),
  });
  const ops = await listen(
    createOpsApp(metrics, snapshots, () => board.detail()),
    Number(values["metrics-port"]),
    values.host,
  );
  const admin = await startAdmin({
    env: process.env,
    port: Number(values["admin-port"]),
    host: values.host,
    ledger,
    log,
  });
  if (admin) log.info("admin API listening", { adminPort: admin.port });
  log.info("listening", listeningFields({ port: api.port, metricsPort: ops.port }, origin));

  onShutdown(log, async () => {
    await api.drain(Number(values["drain-seconds"]) * 1000);
    // Before the ledger closes: a report in progress still has its database.
    await admin?.drain(1000);
    await source.stop();
    await limiter.close();
    await ledger?.close();
    await drain(ops.server, 1000);
  });
}

function wholeNumber(value: string | undefined, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a whole number, got "${value}"`);
  return n;
}

const spendFloorLog =
  (log: Logger) =>
  (outcome: { scopes: number; backend: string } | { error: unknown }): void => {
    if ("error" in outcome) {
      log.warn("budgets not resumed from the usage ledger; they count from what the store holds", {
        error: outcome.error,
      });
    } else {
      log.info("budgets resumed from the usage ledger", { scopes: outcome.scopes, store: outcome.backend });
    }
  };
