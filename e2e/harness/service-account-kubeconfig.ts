/** A kubeconfig that authenticates as a ServiceAccount, to run components under their real RBAC. */
import { join } from "node:path";
import { writeKubeconfig } from "./kubeconfig.js";
import type { Kubectl } from "./kubectl.js";

export interface ClusterEndpoint {
  server: string;
  caPem: string;
  dir: string;
}

export async function serviceAccountKubeconfig(
  kubectl: Kubectl,
  cluster: ClusterEndpoint,
  namespace: string,
  serviceAccount: string,
): Promise<string> {
  // apply is idempotent: creates the namespace and ServiceAccount when missing, leaves them otherwise.
  const manifest = [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: serviceAccount, namespace } },
  ]
    .map((o) => JSON.stringify(o))
    .join("\n---\n");
  await kubectl(["apply", "-f", "-"], manifest);
  // TokenRequest API; a long duration so a paused demo or debugger session does not lose access.
  const { stdout } = await kubectl(["create", "token", serviceAccount, "-n", namespace, "--duration=24h"]);
  const token = stdout.trim();
  return writeKubeconfig(join(cluster.dir, `kubeconfig-${namespace}-${serviceAccount}.yaml`), {
    server: cluster.server,
    caPem: cluster.caPem,
    user: { token },
    name: `${namespace}-${serviceAccount}`,
  });
}
