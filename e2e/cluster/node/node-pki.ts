/**
 * Certificates for the one-node cluster: each component gets the identity a kubeadm cluster gives
 * it, so the default RBAC bindings and the Node authorizer apply to it as they would there.
 */
import { join } from "node:path";
import {
  type CertificateAuthority,
  type CertificateFiles,
  createCa,
  issueCert,
} from "../../harness/certs.js";
import { createServiceAccountKeys, type ServiceAccountKeys } from "../../harness/service-account-keys.js";
import { clusterDomain, kubernetesServiceIp, nodeIp, nodeName } from "./node-layout.js";

export interface NodePki {
  ca: CertificateAuthority;
  apiserverServing: CertificateFiles;
  /** kube-apiserver's client identity towards the kubelet (logs, exec, port-forward). */
  apiserverKubeletClient: CertificateFiles;
  admin: CertificateFiles;
  controllerManager: CertificateFiles;
  scheduler: CertificateFiles;
  kubelet: CertificateFiles;
  kubeletServing: CertificateFiles;
  kubeProxy: CertificateFiles;
  serviceAccount: ServiceAccountKeys;
}

export async function createNodePki(dir: string): Promise<NodePki> {
  const pkiDir = join(dir, "pki");
  const [ca, serviceAccount] = await Promise.all([
    createCa(pkiDir, "kuberelay-cluster-ca"),
    createServiceAccountKeys(pkiDir),
  ]);
  const client = (cn: string, org?: string) => issueCert(ca, { cn, org, client: true });
  const [apiserverServing, apiserverKubeletClient, admin, controllerManager, scheduler, kubelet] =
    await Promise.all([
      issueCert(ca, {
        cn: "kube-apiserver",
        dnsNames: [
          "localhost",
          "kubernetes",
          "kubernetes.default",
          "kubernetes.default.svc",
          `kubernetes.default.svc.${clusterDomain}`,
        ],
        ipAddresses: ["127.0.0.1", nodeIp, kubernetesServiceIp],
        server: true,
      }),
      client("kube-apiserver-kubelet-client", "system:masters"),
      client("kuberelay-admin", "system:masters"),
      client("system:kube-controller-manager"),
      client("system:kube-scheduler"),
      client(`system:node:${nodeName}`, "system:nodes"),
    ]);
  const [kubeletServing, kubeProxy] = await Promise.all([
    issueCert(ca, { cn: nodeName, dnsNames: [nodeName], ipAddresses: [nodeIp], server: true }),
    client("system:kube-proxy"),
  ]);
  return {
    ca,
    apiserverServing,
    apiserverKubeletClient,
    admin,
    controllerManager,
    scheduler,
    kubelet,
    kubeletServing,
    kubeProxy,
    serviceAccount,
  };
}
