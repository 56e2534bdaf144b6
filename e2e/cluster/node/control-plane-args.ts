/**
 * Command lines of the control-plane processes inside the node. They listen on the node's own
 * loopback and address, where the well-known ports are free, so the flags read like a kubeadm
 * node's manifests.
 */

import { apiserverPort, clusterCidr, etcdClientPort, nodeIp, serviceCidr } from "./node-layout.js";
import type { NodePki } from "./node-pki.js";

export const serviceAccountIssuer = "https://kubernetes.default.svc.cluster.local";

export function etcdArgs(dataDir: string): string[] {
  const url = `http://127.0.0.1:${etcdClientPort}`;
  return [
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${url}`,
    `--advertise-client-urls=${url}`,
    "--listen-peer-urls=http://127.0.0.1:2380",
    // Thrown away after the run: fsync would only slow every write.
    "--unsafe-no-fsync=true",
  ];
}

export function apiserverArgs(pki: NodePki, certDir: string): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${etcdClientPort}`,
    `--secure-port=${apiserverPort}`,
    // Every address here is inside the node's namespace: the loopback forward and Pods both come in.
    "--bind-address=0.0.0.0",
    // The `kubernetes` Service's endpoint, which Pods reach through kube-proxy.
    `--advertise-address=${nodeIp}`,
    `--cert-dir=${certDir}`,
    `--tls-cert-file=${pki.apiserverServing.certPath}`,
    `--tls-private-key-file=${pki.apiserverServing.keyPath}`,
    `--client-ca-file=${pki.ca.certPath}`,
    `--kubelet-client-certificate=${pki.apiserverKubeletClient.certPath}`,
    `--kubelet-client-key=${pki.apiserverKubeletClient.keyPath}`,
    `--kubelet-certificate-authority=${pki.ca.certPath}`,
    "--kubelet-preferred-address-types=InternalIP",
    `--service-account-issuer=${serviceAccountIssuer}`,
    `--service-account-key-file=${pki.serviceAccount.publicKeyPath}`,
    `--service-account-signing-key-file=${pki.serviceAccount.privateKeyPath}`,
    `--service-cluster-ip-range=${serviceCidr}`,
    "--authorization-mode=Node,RBAC",
    // On top of the defaults (PodSecurity, the webhooks, ServiceAccount, …), as kubeadm enables it.
    "--enable-admission-plugins=NodeRestriction",
    "--allow-privileged=false",
  ];
}

/**
 * What kube-controller-manager and kube-scheduler share: one identity for the API and for checking
 * callers of their own health port; no leader election (a single instance); that port on loopback.
 */
function controlPlaneComponentArgs(kubeconfig: string): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    "--leader-elect=false",
    "--bind-address=127.0.0.1",
  ];
}

export function controllerManagerArgs(pki: NodePki, kubeconfig: string): string[] {
  return [
    ...controlPlaneComponentArgs(kubeconfig),
    "--controllers=*",
    // Each controller acts as its own ServiceAccount under the default RBAC, as in kubeadm.
    "--use-service-account-credentials=true",
    `--service-account-private-key-file=${pki.serviceAccount.privateKeyPath}`,
    `--root-ca-file=${pki.ca.certPath}`,
    `--cluster-signing-cert-file=${pki.ca.certPath}`,
    `--cluster-signing-key-file=${pki.ca.keyPath}`,
    `--service-cluster-ip-range=${serviceCidr}`,
    `--cluster-cidr=${clusterCidr}`,
    // The CNI configuration hands out addresses from a fixed range; the node's podCIDR says the same.
    "--allocate-node-cidrs=false",
  ];
}

export function schedulerArgs(kubeconfig: string): string[] {
  return controlPlaneComponentArgs(kubeconfig);
}
