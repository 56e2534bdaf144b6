import { parseArgs } from "node:util";
import { loadKubeConfig } from "../../common/kube/kubeconfig.js";
import { createLogger } from "../../common/log.js";
import { ownNamespace } from "../../common/process/namespace.js";
import { ensureMasterKeySecret } from "./ensure-master-key.js";
import { kubeMasterKeySecretApi } from "./kube-api.js";

export const ensureMasterKeyUsage = `kuberelay operator ensure-master-key --secret NAME [--key KEY] [--namespace NS]
  creates the master key Secret once (32 random bytes) if it does not exist; never changes one that does`;

/** The chart's init container: the master key exists before any container reads it by secretKeyRef. */
export async function runEnsureMasterKey(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      namespace: { type: "string" },
      secret: { type: "string" },
      key: { type: "string", default: "master-key" },
    },
  });
  if (!values.secret) throw new Error(`--secret is required\n${ensureMasterKeyUsage}`);
  const log = createLogger("operator");
  const ref = { namespace: ownNamespace(values.namespace), name: values.secret, key: values.key };
  const outcome = await ensureMasterKeySecret(kubeMasterKeySecretApi(loadKubeConfig()), ref);
  // Names only: the key itself is never logged.
  log.info(outcome === "created" ? "master key Secret created" : "master key Secret already exists; kept", {
    secret: `${ref.namespace}/${ref.name}`,
    key: ref.key,
  });
}
