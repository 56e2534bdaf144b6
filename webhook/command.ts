import { CustomObjectsApi, KubeConfig } from "@kubernetes/client-node";
import { createLogger, type Logger } from "../common/log.js";
import { admit } from "./admit.js";
import { createWebhookApp } from "./app.js";
import { parseWebhookFlags, webhookUsage } from "./flags.js";
import { createKubernetesRelayKeyLookup, type RelayKeyLookup } from "./relay-key-lookup.js";
import { startWebhookServer } from "./server.js";
import { waitForShutdown } from "./shutdown-signal.js";

export { UsageError, webhookUsage } from "./flags.js";

/** Seams for tests; production passes none. */
export interface RunWebhookOptions {
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Replaces the cluster lookup built from the default kubeconfig. */
  lookup?: RelayKeyLookup;
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
  const lookup = options.lookup ?? clusterLookup();
  const app = createWebhookApp({
    logger,
    admit: (body) => admit(body, { gatewayUrl: config.gatewayUrl, lookup }),
  });
  const server = await startWebhookServer({
    host: config.host,
    port: config.port,
    tls: { certFile: config.tlsCertFile, keyFile: config.tlsKeyFile },
    app,
    logger,
    tlsReloadIntervalMs: options.tlsReloadIntervalMs,
  });
  logger.info("listening", { port: server.port, host: config.host, gatewayUrl: config.gatewayUrl });
  const reason = await waitForShutdown(options.signal);
  logger.info("shutting down", { reason });
  await server.close();
  logger.info("stopped");
}

/** KUBECONFIG, then ~/.kube/config, then the in-cluster ServiceAccount. */
function clusterLookup(): RelayKeyLookup {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  return createKubernetesRelayKeyLookup(kubeConfig.makeApiClient(CustomObjectsApi));
}
