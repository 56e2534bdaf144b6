import { parseArgs } from "node:util";
import { localMasterKey, parseMasterKey } from "../common/crypto/envelope.js";
import { loadKubeConfig } from "../common/kube/kubeconfig.js";
import { createLogger } from "../common/log.js";
import { DEFAULT_CONFIG_SECRET } from "../common/names.js";
import { listenDualProtocol } from "../common/process/dual-protocol-server.js";
import { drain, listen } from "../common/process/listen.js";
import { ownNamespace } from "../common/process/namespace.js";
import { onShutdown } from "../common/process/shutdown.js";
import { createGatewayApp } from "./app.js";
import { watchConfigSecret } from "./config-source.js";
import { createGatewayMetrics } from "./metrics.js";
import { createOpsApp } from "./ops-app.js";
import type { InferenceDeps } from "./pipeline/handle-inference.js";
import { SnapshotHolder } from "./snapshot.js";

export const gatewayUsage = `kuberelay gateway [flags]
  --port N                 inference port (default 8787)
  --metrics-port N         metrics and health port (default 9090)
  --host ADDR              bind address (default 0.0.0.0)
  --namespace NS           namespace of the config Secret (default: own namespace)
  --config-secret NAME     config Secret name (default ${DEFAULT_CONFIG_SECRET})
  --drain-seconds N        on SIGTERM, how long in-flight streams may finish (default 30)
env: KUBERELAY_MASTER_KEY (base64, 32 bytes), KUBECONFIG or in-cluster credentials`;

export async function runGateway(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string", default: "8787" },
      "metrics-port": { type: "string", default: "9090" },
      host: { type: "string", default: "0.0.0.0" },
      namespace: { type: "string" },
      "config-secret": { type: "string", default: DEFAULT_CONFIG_SECRET },
      "drain-seconds": { type: "string", default: "30" },
    },
  });
  const log = createLogger("gateway");
  const kek = localMasterKey(parseMasterKey(process.env.KUBERELAY_MASTER_KEY));
  const metrics = createGatewayMetrics();
  const snapshots = new SnapshotHolder();
  const kc = loadKubeConfig();
  const namespace = ownNamespace(values.namespace);
  const source = watchConfigSecret(
    kc,
    { namespace, secretName: values["config-secret"] },
    kek,
    snapshots,
    metrics,
    log,
  );

  const deps: InferenceDeps = {
    snapshots,
    log,
    metrics,
    limiter: undefined,
    price: () => undefined,
    defaultMaxBodyBytes: 10 * 1024 * 1024,
    maxAttempts: 3,
    defaultTimeoutMs: 600_000,
  };
  // HTTP/1.1 and cleartext HTTP/2 on one port: the Bedrock runtime SDK speaks HTTP/2.
  const api = await listenDualProtocol(createGatewayApp(deps), Number(values.port), values.host);
  const ops = await listen(createOpsApp(metrics, snapshots), Number(values["metrics-port"]), values.host);
  log.info("listening", {
    port: api.port,
    metricsPort: ops.port,
    namespace,
    configSecret: values["config-secret"],
  });

  onShutdown(log, async () => {
    await api.drain(Number(values["drain-seconds"]) * 1000);
    await source.stop();
    await drain(ops.server, 1000);
  });
}
