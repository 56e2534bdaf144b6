/**
 * A real one-node Kubernetes cluster on this machine, built like a kind node but without Docker:
 * etcd, kube-apiserver, kube-controller-manager, kube-scheduler, containerd + runc, kubelet and
 * kube-proxy run inside a network and mount namespace of their own; Pods get addresses on a CNI
 * bridge there. This machine reaches the API server, and any Service, through loopback forwards.
 */
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { controlPlaneBinaries } from "../../harness/control-plane-binaries.js";
import { registerExitCleanup } from "../../harness/exit-cleanup.js";
import { probe } from "../../harness/http-probe.js";
import { writeKubeconfig } from "../../harness/kubeconfig.js";
import { createKubectl, type Kubectl } from "../../harness/kubectl.js";
import type { ManagedProcess } from "../../harness/managed-process.js";
import { waitReady } from "../../harness/wait-ready.js";
import { clusterDnsManifests } from "./cluster-dns.js";
import { containerdConfig } from "./containerd-config.js";
import { apiserverArgs, controllerManagerArgs, etcdArgs, schedulerArgs } from "./control-plane-args.js";
import { forwardIntoNode, type LoopbackForward } from "./loopback-forward.js";
import { cniConfig, kubeletConfig, kubeProxyConfig } from "./node-agent-configs.js";
import { nodeBinaries, nodeImages } from "./node-binaries.js";
import { createNodeCgroups } from "./node-cgroups.js";
import { apiserverPort, nodeIp, nodeName } from "./node-layout.js";
import { createNodeNamespaces, type NodeNamespaces } from "./node-namespaces.js";
import { createNodePki, type NodePki } from "./node-pki.js";
import { getInNode, startInNode } from "./node-process.js";
import { nodeLeftovers, nodeRun, sweepAbandonedNodes, teardownNode } from "./node-teardown.js";

export interface NodeCluster {
  /** Admin kubeconfig for this machine (through the loopback forward). */
  kubeconfigPath: string;
  kubectl: Kubectl;
  kubectlPath: string;
  dir: string;
  logDir: string;
  ns: NodeNamespaces;
  /** Milliseconds each phase took, for the closing note. */
  timings: Record<string, number>;
  /** Imports an image archive into the node's containerd, for Pods with imagePullPolicy Never. */
  importImage(archive: string): Promise<void>;
  /** A loopback port that reaches `host:port` inside the node (a Service or Pod address). */
  forward(host: string, port: number): Promise<LoopbackForward>;
  /** What of this node is still on the machine (processes, namespaces, cgroups, mounts, files). */
  leftovers(): string[];
  /** Pods, events and logs of every Pod: what a failed test should print. */
  diagnostics(): Promise<string>;
  stop(): Promise<void>;
}

async function kubeconfigFor(
  dir: string,
  name: string,
  server: string,
  pki: NodePki,
  user: { certPem: string; keyPem: string },
) {
  return writeKubeconfig(join(dir, `${name}.kubeconfig`), {
    server,
    caPem: pki.ca.certPem,
    user: { clientCertPem: user.certPem, clientKeyPem: user.keyPem },
    name,
  });
}

export async function startNodeCluster(): Promise<NodeCluster> {
  const timings: Record<string, number> = {};
  let phaseStart = Date.now();
  const phase = (name: string) => {
    timings[name] = Date.now() - phaseStart;
    phaseStart = Date.now();
  };
  sweepAbandonedNodes();
  const run = nodeRun(randomBytes(4).toString("hex"));
  const { dir } = run;
  const logDir = join(dir, "logs");
  await mkdir(logDir, { recursive: true });
  await writeFile(join(dir, "owner.pid"), String(process.pid));
  const unregister = registerExitCleanup(() => teardownNode(run));
  const processes: ManagedProcess[] = [];
  const forwards: LoopbackForward[] = [];
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      await Promise.all(forwards.map((f) => f.close()));
      // Newest first: kubelet and kube-proxy before containerd, the API server before etcd.
      for (const p of [...processes].reverse()) await p.stop(3_000);
      teardownNode(run);
      unregister();
    })();
    return stopped;
  };

  try {
    const [cp, bin, images, pki] = await Promise.all([
      controlPlaneBinaries(),
      nodeBinaries(),
      nodeImages(),
      createNodePki(dir),
    ]);
    phase("binariesAndImages");
    await createNodeCgroups(run.name);
    const ns = await createNodeNamespaces(run.name, dir);
    phase("namespaces");
    const start = (name: string, binary: string, args: readonly string[], env?: NodeJS.ProcessEnv) => {
      const p = startInNode(ns, logDir, name, binary, args, env);
      processes.push(p);
      return p;
    };

    // Control plane.
    const inNodeServer = `https://127.0.0.1:${apiserverPort}`;
    start("etcd", cp.etcd, etcdArgs(join(dir, "etcd")));
    const apiserver = start(
      "kube-apiserver",
      cp.kubeApiserver,
      apiserverArgs(pki, join(dir, "apiserver-certs")),
    );
    const apiForward = await forwardIntoNode(ns, { host: "127.0.0.1", port: apiserverPort }, dir, logDir);
    forwards.push(apiForward);
    const server = `https://127.0.0.1:${apiForward.port}`;
    const admin = { ca: pki.ca.certPem, cert: pki.admin.certPem, key: pki.admin.keyPem };
    await waitReady(
      apiserver,
      "/readyz",
      async () => (await probe(`${server}/readyz`, admin))?.status === 200,
      {
        timeoutMs: 90_000,
      },
    );
    const kubeconfigPath = await kubeconfigFor(dir, "admin", server, pki, pki.admin);
    const kubectl = createKubectl(cp.kubectl, kubeconfigPath, join(dir, "kubectl-cache"));
    phase("apiserver");
    const kcm = start(
      "kube-controller-manager",
      cp.kubeControllerManager,
      controllerManagerArgs(
        pki,
        await kubeconfigFor(dir, "controller-manager", inNodeServer, pki, pki.controllerManager),
      ),
    );
    const scheduler = start(
      "kube-scheduler",
      bin.kubeScheduler,
      schedulerArgs(await kubeconfigFor(dir, "scheduler", inNodeServer, pki, pki.scheduler)),
    );

    // The node: containerd, then the kubelet and kube-proxy.
    const cniConfDir = join(dir, "cni-conf");
    await mkdir(cniConfDir, { recursive: true });
    await writeFile(join(cniConfDir, "10-kuberelay.conflist"), cniConfig(join(dir, "cni-ipam")));
    const containerdSocket = join(dir, "containerd", "containerd.sock");
    const containerdConfigPath = join(dir, "containerd.toml");
    await writeFile(
      containerdConfigPath,
      containerdConfig({
        root: join(dir, "containerd", "root"),
        state: join(dir, "containerd", "state"),
        socket: containerdSocket,
        runc: bin.runc,
        cniBinDir: bin.cniBinDir,
        cniConfDir,
        sandboxImage: images.pause.ref,
      }),
    );
    const containerd = start("containerd", bin.containerd, ["--config", containerdConfigPath], {
      ...process.env,
      PATH: `${bin.shimDir}:${process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin"}`,
    });
    const ctr = (args: readonly string[]) =>
      ns.run(bin.ctr, ["--address", containerdSocket, "--namespace", "k8s.io", ...args]);
    await waitReady(
      containerd,
      "its socket",
      async () =>
        await ctr(["version"]).then(
          () => true,
          () => false,
        ),
      {
        timeoutMs: 30_000,
      },
    );
    for (const archive of [images.pause, images.coredns]) {
      await ctr(["images", "import", archive.archive]);
    }
    phase("containerdAndImages");

    const resolvConf = join(dir, "resolv.conf");
    // Pods with dnsPolicy Default get this; there is no upstream resolver to give them.
    await writeFile(resolvConf, "");
    const kubeletConfigPath = join(dir, "kubelet.yaml");
    await writeFile(
      kubeletConfigPath,
      kubeletConfig(pki, {
        containerdSocket,
        podLogsDir: join(dir, "pod-logs"),
        resolvConf,
        volumePluginDir: join(dir, "volume-plugins"),
        cgroupRoot: `/${run.name}`,
      }),
    );
    const kubelet = start("kubelet", bin.kubelet, [
      `--config=${kubeletConfigPath}`,
      `--kubeconfig=${await kubeconfigFor(dir, "kubelet", inNodeServer, pki, pki.kubelet)}`,
      `--root-dir=${join(dir, "kubelet")}`,
      `--hostname-override=${nodeName}`,
      `--node-ip=${nodeIp}`,
    ]);
    const kubeProxyConfigPath = join(dir, "kube-proxy.yaml");
    await writeFile(
      kubeProxyConfigPath,
      kubeProxyConfig(await kubeconfigFor(dir, "kube-proxy", inNodeServer, pki, pki.kubeProxy)),
    );
    const kubeProxy = start("kube-proxy", bin.kubeProxy, [`--config=${kubeProxyConfigPath}`]);
    for (const [p, url] of [
      [kcm, "https://127.0.0.1:10257/healthz"],
      [scheduler, "https://127.0.0.1:10259/healthz"],
      [kubelet, "http://127.0.0.1:10248/healthz"],
      [kubeProxy, "http://127.0.0.1:10256/healthz"],
    ] as const) {
      await waitReady(p, url, async () => (await getInNode(ns, url)) !== undefined, { timeoutMs: 60_000 });
    }
    await kubectl(["wait", "--for=condition=Ready", `node/${nodeName}`, "--timeout=60s"]);
    phase("nodeReady");

    await kubectl(["apply", "-f", "-"], clusterDnsManifests(images.coredns.ref));
    await kubectl(["-n", "kube-system", "rollout", "status", "deployment/coredns", "--timeout=90s"]);
    phase("clusterDns");

    const diagnostics = async () => {
      const sections: string[] = [];
      const section = async (title: string, args: readonly string[]) => {
        const out = await kubectl(args).then(
          (r) => r.stdout,
          (err: unknown) => `(failed: ${String(err)})`,
        );
        sections.push(`--- ${title}\n${out}`);
      };
      await section("kubectl get nodes -o wide", ["get", "nodes", "-o", "wide"]);
      await section("kubectl get pods -A -o wide", ["get", "pods", "-A", "-o", "wide"]);
      await section("events", ["get", "events", "-A", "--sort-by=.lastTimestamp"]);
      const pods = await kubectl([
        "get",
        "pods",
        "-A",
        "-o",
        'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}{"\\n"}{end}',
      ]).then(
        (r) => r.stdout.split("\n").filter(Boolean),
        () => [],
      );
      for (const pod of pods) {
        const [namespace, name] = pod.split("/") as [string, string];
        await section(`logs ${pod}`, ["-n", namespace, "logs", name, "--all-containers", "--tail=60"]);
      }
      for (const p of processes) sections.push(`--- ${p.name} (last lines)\n${p.logTail(15)}`);
      return sections.join("\n");
    };

    return {
      kubeconfigPath,
      kubectl,
      kubectlPath: cp.kubectl,
      dir,
      logDir,
      ns,
      timings,
      forward: async (host, port) => {
        const f = await forwardIntoNode(ns, { host, port }, dir, logDir);
        forwards.push(f);
        return f;
      },
      importImage: async (archive) => {
        await ctr(["images", "import", archive]);
      },
      diagnostics,
      leftovers: () => nodeLeftovers(run),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
