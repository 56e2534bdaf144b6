/**
 * Starts kube-controller-manager: without it nothing garbage-collects owned objects, namespaces stay
 * Terminating, and Deployments never get ReplicaSets or Pods.
 */
import { join } from "node:path";
import { freePort } from "./free-port.js";
import { probe } from "./http-probe.js";
import { type ManagedProcess, startProcess } from "./managed-process.js";
import type { ControlPlanePki } from "./pki.js";
import { waitReady } from "./wait-ready.js";

export async function startKubeControllerManager(
  binary: string,
  kubeconfigPath: string,
  pki: ControlPlanePki,
  logDir: string,
): Promise<ManagedProcess> {
  const port = await freePort();
  const proc = startProcess({
    name: "kube-controller-manager",
    file: binary,
    args: [
      `--kubeconfig=${kubeconfigPath}`,
      // Without these it looks for in-cluster config and logs warnings on every start.
      `--authentication-kubeconfig=${kubeconfigPath}`,
      `--authorization-kubeconfig=${kubeconfigPath}`,
      "--controllers=*",
      `--service-account-private-key-file=${pki.serviceAccount.privateKeyPath}`,
      `--root-ca-file=${pki.ca.certPath}`,
      `--cluster-signing-cert-file=${pki.ca.certPath}`,
      `--cluster-signing-key-file=${pki.ca.keyPath}`,
      // One identity (admin) for all controllers: their per-controller RBAC is not what we test.
      "--use-service-account-credentials=false",
      // A single instance; acquiring a lease would only delay the controllers.
      "--leader-elect=false",
      "--bind-address=127.0.0.1",
      `--secure-port=${port}`,
      `--tls-cert-file=${pki.serving.certPath}`,
      `--tls-private-key-file=${pki.serving.keyPath}`,
    ],
    logPath: join(logDir, "kube-controller-manager.log"),
  });
  const healthz = `https://127.0.0.1:${port}/healthz`;
  try {
    await waitReady(
      proc,
      healthz,
      async () => (await probe(healthz, { ca: pki.ca.certPem }))?.status === 200,
      {
        timeoutMs: 60_000,
      },
    );
  } catch (err) {
    await proc.stop(0);
    throw err;
  }
  return proc;
}
