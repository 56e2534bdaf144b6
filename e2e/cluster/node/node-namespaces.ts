/**
 * The node's own network and mount namespaces, like the container a kind node runs in: Pod and
 * Service addresses, bridges, veths and iptables rules live only there, and the kubelet's and
 * containerd's mounts never reach the machine's mount table. Both namespaces are pinned to files,
 * so every node process can be started into the same pair with nsenter.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runCommand } from "../../harness/run-command.js";
import { nodeIp, nodeLink, serviceCidr } from "./node-layout.js";

export interface NodeNamespaces {
  /** The network namespace's name under /run/netns (`ip netns`). */
  netns: string;
  /** Pinned namespace files. */
  netnsPath: string;
  mountnsPath: string;
  /** Prefix that runs a command inside both namespaces. */
  enter(file: string, args: readonly string[]): { file: string; args: string[] };
  /** Runs a short command inside both namespaces. */
  run(file: string, args: readonly string[], input?: string): Promise<{ stdout: string; stderr: string }>;
}

/** Names every run's namespace after a prefix so a later run can find what a killed one left. */
export const netnsPrefix = "kuberelay-node-";

const sh = (script: string) => ["-euc", script];

/**
 * sysfs shows the network devices of the namespace that mounted it, so the node gets a fresh one;
 * the cgroup hierarchies beneath it are carried over first, or the kubelet and runc would find none.
 * Only then is the root made shared: kubelet volume mounts must propagate into containers, and a
 * mount cannot be moved while its parent is shared.
 */
const mountSetup = (stash: string) => `
mkdir -p ${stash}
mount --rbind /sys/fs/cgroup ${stash}
umount -l /sys
mount -t sysfs sysfs /sys
mount --move ${stash} /sys/fs/cgroup
mount --make-rshared /
`;

const networkSetup = `
ip link set lo up
ip link add ${nodeLink} type bridge
ip addr add ${nodeIp}/32 dev ${nodeLink}
ip link set ${nodeLink} up
# A node process (the API server calling a webhook Service) needs a route to a Service address
# before kube-proxy's DNAT can rewrite it; with no route at all connect() fails "unreachable".
ip route add ${serviceCidr} dev ${nodeLink} src ${nodeIp}
# Pods reach Services through kube-proxy's NAT, and bridged traffic must pass iptables for it.
sysctl -qw net.ipv4.ip_forward=1
sysctl -qw net.bridge.bridge-nf-call-iptables=1
sysctl -qw net.ipv4.conf.all.route_localnet=1
`;

/** `netns` names the network namespace; it starts with netnsPrefix so that a later run finds it. */
export async function createNodeNamespaces(netns: string, dir: string): Promise<NodeNamespaces> {
  const nsDir = join(dir, "ns");
  const netnsPath = `/run/netns/${netns}`;
  const mountnsPath = join(nsDir, "mnt");
  await mkdir(nsDir, { recursive: true });
  await runCommand("ip", ["netns", "add", netns]);
  // A namespace file can only be pinned on a private mount, or the pin would propagate into itself.
  await runCommand("mount", ["--bind", nsDir, nsDir]);
  await runCommand("mount", ["--make-private", nsDir]);
  await writeFile(mountnsPath, "");
  await runCommand("unshare", [`--mount=${mountnsPath}`, "--propagation", "private", "true"]);

  const enter = (file: string, args: readonly string[]) => ({
    file: "nsenter",
    args: [`--net=${netnsPath}`, `--mount=${mountnsPath}`, "--", file, ...args],
  });
  const run = (file: string, args: readonly string[], input?: string) => {
    const command = enter(file, args);
    return runCommand(command.file, command.args, { input });
  };
  await run("sh", sh(mountSetup(join(dir, "cgroup-stash"))));
  await run("sh", sh(networkSetup));
  return { netns, netnsPath, mountnsPath, enter, run };
}
