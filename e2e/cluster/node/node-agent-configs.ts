/**
 * Configuration files of the node agents: kubelet, kube-proxy and the CNI network. Every path they
 * would otherwise write on the machine (/var/lib/kubelet, /var/lib/cni, /var/log/pods) is moved
 * under the run's directory.
 */
import { stringify } from "yaml";
import { clusterCidr, clusterDnsIp, clusterDomain, nodeIp, nodeName, podCidr } from "./node-layout.js";
import type { NodePki } from "./node-pki.js";

export interface KubeletPaths {
  containerdSocket: string;
  podLogsDir: string;
  resolvConf: string;
  volumePluginDir: string;
  /** The node's cgroup parent, e.g. /kuberelay-node-<run>. */
  cgroupRoot: string;
}

export function kubeletConfig(pki: NodePki, paths: KubeletPaths): string {
  return stringify({
    apiVersion: "kubelet.config.k8s.io/v1beta1",
    kind: "KubeletConfiguration",
    // Kubernetes 1.35 refuses cgroup v1 unless told otherwise; this machine has only v1 controllers.
    failCgroupV1: false,
    cgroupDriver: "cgroupfs",
    cgroupRoot: paths.cgroupRoot,
    containerRuntimeEndpoint: `unix://${paths.containerdSocket}`,
    address: nodeIp,
    port: 10250,
    readOnlyPort: 0,
    healthzBindAddress: "127.0.0.1",
    healthzPort: 10248,
    tlsCertFile: pki.kubeletServing.certPath,
    tlsPrivateKeyFile: pki.kubeletServing.keyPath,
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: pki.ca.certPath },
    },
    authorization: { mode: "Webhook" },
    clusterDNS: [clusterDnsIp],
    clusterDomain,
    resolvConf: paths.resolvConf,
    podLogsDir: paths.podLogsDir,
    volumePluginDir: paths.volumePluginDir,
    failSwapOn: false,
    // Images are imported, never pulled: garbage-collecting one would leave its Pods unable to start.
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    // A shared test machine's disk may be fuller than a node's defaults allow.
    evictionHard: { "memory.available": "100Mi", "nodefs.available": "1%", "imagefs.available": "1%" },
    serializeImagePulls: false,
    rotateCertificates: false,
    // Pods of a deleted Deployment stop at once rather than after 30 s of fruitless polling.
    syncFrequency: "10s",
    nodeStatusReportFrequency: "10s",
  });
}

export function kubeProxyConfig(kubeconfig: string): string {
  return stringify({
    apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
    kind: "KubeProxyConfiguration",
    mode: "iptables",
    clientConnection: { kubeconfig },
    clusterCIDR: clusterCidr,
    hostnameOverride: nodeName,
    healthzBindAddress: "127.0.0.1:10256",
    metricsBindAddress: "127.0.0.1:10249",
    // Zero leaves the kernel's conntrack settings alone: they are the machine's, not the node's.
    conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: "0s", tcpCloseWaitTimeout: "0s" },
  });
}

/** bridge + host-local hand out Pod addresses; portmap serves hostPort. containerd adds loopback. */
export function cniConfig(ipamDataDir: string): string {
  return JSON.stringify(
    {
      cniVersion: "1.0.0",
      name: "kuberelay-pods",
      plugins: [
        {
          type: "bridge",
          bridge: "cni0",
          isGateway: true,
          // No traffic leaves the node's namespace, so there is nothing to masquerade for.
          ipMasq: false,
          // A Pod that reaches its own Service must get its packets back through the bridge.
          hairpinMode: true,
          ipam: {
            type: "host-local",
            ranges: [[{ subnet: podCidr }]],
            routes: [{ dst: "0.0.0.0/0" }],
            dataDir: ipamDataDir,
          },
        },
        { type: "portmap", capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  );
}
