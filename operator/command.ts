import { parseArgs } from "node:util";
import { localMasterKey, parseMasterKey } from "../common/crypto/envelope.js";
import { loadKubeConfig } from "../common/kube/kubeconfig.js";
import { createLogger } from "../common/log.js";
import { DEFAULT_CONFIG_SECRET } from "../common/names.js";
import { ownNamespace } from "../common/process/namespace.js";
import { onShutdown } from "../common/process/shutdown.js";
import { Controller } from "./controller.js";

export const operatorUsage = `kuberelay operator [flags]
  --namespace NS           where the gateway config Secret is written (default: own namespace)
  --config-secret NAME     config Secret name (default ${DEFAULT_CONFIG_SECRET})
env: KUBERELAY_MASTER_KEY (base64, 32 bytes), KUBECONFIG or in-cluster credentials`;

export async function runOperator(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      namespace: { type: "string" },
      "config-secret": { type: "string", default: DEFAULT_CONFIG_SECRET },
    },
  });
  const log = createLogger("operator");
  const kek = localMasterKey(parseMasterKey(process.env.KUBERELAY_MASTER_KEY));
  const namespace = ownNamespace(values.namespace);
  const controller = new Controller(loadKubeConfig(), log, kek, {
    namespace,
    configSecretName: values["config-secret"],
  });
  onShutdown(log, () => controller.stop());
  await controller.start();
  log.info("started", { namespace, configSecret: values["config-secret"] });
}
