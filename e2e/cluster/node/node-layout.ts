/**
 * The addresses of the one-node cluster. They exist only inside the node's network namespace, so
 * they cannot collide with the machine's own networks or with a second run's.
 */
export const nodeName = "kuberelay-node";
/** On a port-less bridge inside the namespace: this kernel has no `dummy` link type. */
export const nodeIp = "10.201.0.2";
export const nodeLink = "kr-node0";
export const podCidr = "10.244.0.0/24";
export const clusterCidr = "10.244.0.0/16";
export const serviceCidr = "10.96.0.0/16";
/** The first address of the service range: the `kubernetes` Service. */
export const kubernetesServiceIp = "10.96.0.1";
export const clusterDnsIp = "10.96.0.10";
export const clusterDomain = "cluster.local";
/** Inside the namespace nothing else listens, so the well-known ports are free. */
export const apiserverPort = 6443;
export const etcdClientPort = 2379;
