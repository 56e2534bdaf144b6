import { KubeConfig } from "@kubernetes/client-node";

/** KUBECONFIG (or ~/.kube/config) when set, otherwise the in-cluster service account. */
export function loadKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}
