import { CoreV1Api, CustomObjectsApi, EventsV1Api, KubeConfig } from "@kubernetes/client-node";
import { createLogger, type Logger } from "../common/log.js";
import { drain, listen } from "../common/process/listen.js";
import { ownNamespace } from "../common/process/namespace.js";
import { admit } from "./admit.js";
import { createWebhookApp } from "./app.js";
import { cachedNamespaceLookup, cachedRelayKeyLookup } from "./cached-lookups.js";
import { parseWebhookFlags, webhookUsage } from "./flags.js";
import { startLookupCaches } from "./lookup-caches.js";
import { createWebhookMetrics } from "./metrics.js";
import { createKubernetesNamespaceLookup, type NamespaceLookup } from "./namespace-lookup.js";
import { createOpsApp } from "./ops-app.js";
import { createKubernetesEventRecorder, type PodEventRecorder } from "./pod-event.js";
import { createKubernetesRelayKeyLookup, type RelayKeyLookup } from "./relay-key-lookup.js";
import { startWebhookServer } from "./server.js";
import { waitForShutdown } from "./shutdown-signal.js";
import { watchTlsSecret } from "./tls-secret.js";

export { UsageError, webhookUsage } from "./flags.js";

/** Seams for tests; production passes none. */
export interface RunWebhookOptions {
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Replaces the cluster lookup built from the default kubeconfig. */
  lookup?: RelayKeyLookup;
  /** Replaces the cluster Namespace lookup. */
  namespaces?: NamespaceLookup;
  /** Replaces the cluster Event recorder. */
  events?: PodEventRecorder;
  /** Stops the webhook like SIGTERM does. */
  signal?: AbortSignal;
  tlsReloadIntervalMs?: number;
  /** Receives the help text for --help. */
  print?: (text: string) => void;
}

/** `kuberelay webhook`: serve the Pod mutating webhook until SIGTERM/SIGINT, then drain and return. */
export async function runWebhook(args: string[], options: RunWebhookOptions = {}): Promise<void> {
  const command = parseWebhookFlags(args, options.env ?? process.env);
  if (command.help) {
    (options.print ?? ((text) => process.stdout.write(`${text}\n`)))(webhookUsage);
    return;
  }
  const { config } = command;
  const logger = options.logger ?? createLogger("webhook");
  const namespace = ownNamespace(config.namespace);
  const cluster = lazyKubeConfig();
  // Only when the cluster lookups are used: tests that pass their own need no API server.
  const caches =
    options.lookup === undefined || options.namespaces === undefined
      ? startLookupCaches(cluster(), logger)
      : undefined;
  const lookup =
    options.lookup ??
    cachedRelayKeyLookup(
      caches?.relayKeys ?? noCache,
      createKubernetesRelayKeyLookup(cluster().makeApiClient(CustomObjectsApi)),
    );
  const namespaces =
    options.namespaces ??
    cachedNamespaceLookup(
      caches?.namespaces ?? noCache,
      createKubernetesNamespaceLookup(cluster().makeApiClient(CoreV1Api)),
    );
  const events =
    options.events ??
    createKubernetesEventRecorder({
      api: cluster().makeApiClient(EventsV1Api),
      logger,
      reportingInstance: process.env.POD_NAME ?? `kuberelay-webhook-${process.pid}`,
    });
  const metrics = createWebhookMetrics();
  const app = createWebhookApp({
    logger,
    metrics,
    admit: (body) =>
      admit(body, { gatewayUrl: config.gatewayUrl, lookup, namespaces, ownNamespace: namespace, events }),
  });
  const ops = await listen(createOpsApp(metrics), config.metricsPort, config.host);
  const tls =
    "secretName" in config.tls
      ? await watchTlsSecret(
          cluster(),
          { namespace, name: config.tls.secretName },
          logger,
          options.signal,
        ).catch(async (error: unknown) => {
          await drain(ops.server, 0);
          throw error;
        })
      : config.tls;
  const server = await startWebhookServer({
    host: config.host,
    port: config.port,
    tls,
    app,
    logger,
    tlsReloadIntervalMs: options.tlsReloadIntervalMs,
  }).catch(async (error: unknown) => {
    await Promise.all([drain(ops.server, 0), caches?.stop()]);
    throw error;
  });
  logger.info("listening", {
    port: server.port,
    metricsPort: ops.port,
    host: config.host,
    namespace,
    gatewayUrl: config.gatewayUrl,
    tls: "secretName" in config.tls ? `secret ${namespace}/${config.tls.secretName}` : "files",
  });
  const reason = await waitForShutdown(options.signal);
  logger.info("shutting down", { reason });
  await Promise.all([server.close(), drain(ops.server, 5_000)]);
  await caches?.stop();
  logger.info("stopped");
}

const noCache = { get: () => undefined };

/** KUBECONFIG, then ~/.kube/config, then the in-cluster ServiceAccount; loaded once, and only if needed. */
function lazyKubeConfig(): () => KubeConfig {
  let loaded: KubeConfig | undefined;
  return () => {
    if (loaded === undefined) {
      loaded = new KubeConfig();
      loaded.loadFromDefault();
    }
    return loaded;
  };
}
