/**
 * containerd 2.x (config version 3) for the node: everything under the run's directory, runc with
 * the cgroupfs driver, and the CRI settings this machine needs.
 */
export interface ContainerdPaths {
  root: string;
  state: string;
  socket: string;
  runc: string;
  cniBinDir: string;
  cniConfDir: string;
  sandboxImage: string;
}

const quote = (value: string): string => {
  if (/['\n\r]/.test(value)) throw new Error(`unsupported character in containerd path: ${value}`);
  return `'${value}'`;
};

export function containerdConfig(p: ContainerdPaths): string {
  return `version = 3
root = ${quote(p.root)}
state = ${quote(p.state)}

[grpc]
  address = ${quote(p.socket)}

[plugins.'io.containerd.cri.v1.images']
  snapshotter = 'overlayfs'
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = ${quote(p.sandboxImage)}

[plugins.'io.containerd.cri.v1.runtime']
  # This VM refuses to lower oom_score_adj; without this every sandbox fails in runc with
  # "can't get final child's PID from pipe: EOF".
  restrict_oom_score_adj = true
  # Pod network namespaces are pinned under the state directory, not in the machine's /run/netns.
  netns_mounts_under_state_dir = true
  [plugins.'io.containerd.cri.v1.runtime'.containerd]
    default_runtime_name = 'runc'
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
      runtime_type = 'io.containerd.runc.v2'
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
        BinaryName = ${quote(p.runc)}
        # crun refuses this machine's hybrid cgroup layout and there is no systemd: runc, cgroupfs.
        SystemdCgroup = false
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = [${quote(p.cniBinDir)}]
    conf_dir = ${quote(p.cniConfDir)}

[plugins.'io.containerd.grpc.v1.cri']
  disable_tcp_service = true

# It would make /opt/containerd on the machine.
[plugins.'io.containerd.internal.v1.opt']
  path = ${quote(`${p.root}/opt`)}

# NRI would listen on the machine's /var/run/nri; no plugin here needs it.
[plugins.'io.containerd.nri.v1.nri']
  disable = true
`;
}
