/** A real Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager) as local processes. */
import { rmSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CertificateAuthority } from "./certs.js";
import { controlPlaneBinaries } from "./control-plane-binaries.js";
import { startEtcd } from "./etcd.js";
import { registerExitCleanup } from "./exit-cleanup.js";
import { startKubeApiserver } from "./kube-apiserver.js";
import { startKubeControllerManager } from "./kube-controller-manager.js";
import { writeKubeconfig } from "./kubeconfig.js";
import { createKubectl, type Kubectl } from "./kubectl.js";
import type { ManagedProcess } from "./managed-process.js";
import { createControlPlanePki } from "./pki.js";
import { serviceAccountKubeconfig } from "./service-account-kubeconfig.js";

export interface ControlPlaneOptions {
  /** Keep the process logs here (it survives stop()); defaults to the temp dir, which does not. */
  logDir?: string;
  /**
   * Runs once kube-apiserver is up, before kube-controller-manager starts: CRDs applied here are
   * known to the garbage collector from its first discovery, instead of from its next one up to
   * 30 s later (ownerReferences to custom objects are honoured only after that).
   */
  beforeControllerManager?: (kubectl: Kubectl) => Promise<void>;
}

export interface ControlPlane {
  /** Admin (system:masters) kubeconfig. */
  kubeconfigPath: string;
  /** https://127.0.0.1:PORT */
  server: string;
  caPem: string;
  /** The cluster CA, e.g. to issue a webhook serving certificate the tests can trust via caPem. */
  ca: CertificateAuthority;
  /** Temp dir holding data, certificates and kubeconfigs; removed by stop(). */
  dir: string;
  logDir: string;
  pids: { etcd: number; kubeApiserver: number; kubeControllerManager: number };
  /** Wall time startControlPlane took. */
  startupMs: number;
  kubectl: Kubectl;
  serviceAccountKubeconfig(namespace: string, serviceAccount: string): Promise<string>;
  /**
   * Stops kube-apiserver (SIGTERM), waits `downMs`, and starts it again on the same port over
   * the same etcd: every watch breaks and has to resume.
   */
  restartApiserver(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Stops the newest first so kube-apiserver never loses etcd while it still has work in flight. */
async function stopAll(processes: readonly ManagedProcess[]): Promise<void> {
  const [etcd, ...rest] = processes;
  await Promise.all(rest.map((p) => p.stop()));
  await etcd?.stop();
}

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), "kuberelay-cp-"));
  const logDir = options.logDir ?? join(dir, "logs");
  await mkdir(logDir, { recursive: true });
  // Registered before any process, so on an interrupt the processes (registered later) die first.
  const unregisterDir = registerExitCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const processes: ManagedProcess[] = [];
  const cleanUp = async (): Promise<void> => {
    await stopAll(processes);
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    unregisterDir();
  };

  try {
    // Certificates are made while etcd starts: they are independent and both take a moment.
    const binariesPromise = controlPlaneBinaries();
    const etcdPromise = binariesPromise.then(async (b) => {
      const etcd = await startEtcd(b.etcd, dir, logDir);
      processes.push(etcd.process);
      return etcd;
    });
    const pkiPromise = createControlPlanePki(dir);
    // allSettled, not all: a rejection must not leave etcd starting up after we cleaned up.
    const settled = await Promise.allSettled([binariesPromise, etcdPromise, pkiPromise]);
    for (const s of settled) if (s.status === "rejected") throw s.reason;
    const [binaries, etcd, pki] = await Promise.all([binariesPromise, etcdPromise, pkiPromise]);

    const apiserver = await startKubeApiserver(binaries.kubeApiserver, etcd.url, pki, dir, logDir);
    processes.push(apiserver.process);
    const kubeconfigPath = await writeKubeconfig(join(dir, "admin.kubeconfig"), {
      server: apiserver.server,
      caPem: pki.ca.certPem,
      user: { clientCertPem: pki.admin.certPem, clientKeyPem: pki.admin.keyPem },
      name: "kuberelay-e2e-admin",
    });
    const kubectl = createKubectl(binaries.kubectl, kubeconfigPath, join(dir, "kubectl-cache"));
    await options.beforeControllerManager?.(kubectl);
    const controllerManager = await startKubeControllerManager(
      binaries.kubeControllerManager,
      kubeconfigPath,
      pki,
      logDir,
    );
    processes.push(controllerManager);

    const cluster = { server: apiserver.server, caPem: pki.ca.certPem, dir };
    let stopping: Promise<void> | undefined;
    let current = apiserver;
    let restarts = 0;
    const restartApiserver = async (downMs = 0) => {
      await current.process.stop();
      processes.splice(processes.indexOf(current.process), 1);
      await new Promise((r) => setTimeout(r, downMs));
      restarts++;
      const port = Number(new URL(current.server).port);
      current = await startKubeApiserver(binaries.kubeApiserver, etcd.url, pki, dir, logDir, {
        port,
        logName: `kube-apiserver-${restarts}.log`,
      });
      // Before the controller manager, so stopAll still stops it ahead of etcd.
      processes.splice(1, 0, current.process);
    };
    return {
      kubeconfigPath,
      server: apiserver.server,
      caPem: pki.ca.certPem,
      ca: pki.ca,
      dir,
      logDir,
      pids: {
        etcd: etcd.process.pid,
        kubeApiserver: apiserver.process.pid,
        kubeControllerManager: controllerManager.pid,
      },
      startupMs: Date.now() - started,
      kubectl,
      serviceAccountKubeconfig: (namespace, serviceAccount) =>
        serviceAccountKubeconfig(kubectl, cluster, namespace, serviceAccount),
      restartApiserver,
      stop: () => {
        stopping ??= cleanUp();
        return stopping;
      },
    };
  } catch (err) {
    await cleanUp();
    throw err;
  }
}
