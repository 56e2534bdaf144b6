/** Starts kube-apiserver against an etcd, with client-certificate users and RBAC, on loopback. */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { freePort } from "./free-port.js";
import { probe } from "./http-probe.js";
import { type ManagedProcess, startProcess } from "./managed-process.js";
import type { ControlPlanePki } from "./pki.js";
import { waitReady } from "./wait-ready.js";

export interface KubeApiserver {
  process: ManagedProcess;
  /** https://127.0.0.1:PORT */
  server: string;
}

export const serviceAccountIssuer = "https://kubernetes.default.svc.cluster.local";

function apiserverArgs(etcdUrl: string, port: number, certDir: string, pki: ControlPlanePki): string[] {
  return [
    `--etcd-servers=${etcdUrl}`,
    `--secure-port=${port}`,
    "--bind-address=127.0.0.1",
    "--advertise-address=127.0.0.1",
    // Unused because the serving pair is given, but the default (/var/run/kubernetes) may not be writable.
    `--cert-dir=${certDir}`,
    `--tls-cert-file=${pki.serving.certPath}`,
    `--tls-private-key-file=${pki.serving.keyPath}`,
    `--client-ca-file=${pki.ca.certPath}`,
    `--service-account-issuer=${serviceAccountIssuer}`,
    `--service-account-key-file=${pki.serviceAccount.publicKeyPath}`,
    `--service-account-signing-key-file=${pki.serviceAccount.privateKeyPath}`,
    "--service-cluster-ip-range=10.0.0.0/24",
    // RBAC alone: there are no kubelets, so the Node authorizer would have nothing to authorize.
    "--authorization-mode=RBAC",
    // Both are on by default; listing them guards the webhook tests against a changed default.
    "--enable-admission-plugins=MutatingAdmissionWebhook,ValidatingAdmissionWebhook",
    "--allow-privileged=true",
  ];
}

export async function startKubeApiserver(
  binary: string,
  etcdUrl: string,
  pki: ControlPlanePki,
  dir: string,
  logDir: string,
  /** A restart reuses the port, so every client's kubeconfig stays right. */
  restart?: { port: number; logName: string },
): Promise<KubeApiserver> {
  const port = restart?.port ?? (await freePort());
  const server = `https://127.0.0.1:${port}`;
  const certDir = join(dir, "apiserver-certs");
  await mkdir(certDir, { recursive: true });
  const proc = startProcess({
    name: "kube-apiserver",
    file: binary,
    args: apiserverArgs(etcdUrl, port, certDir, pki),
    logPath: join(logDir, restart?.logName ?? "kube-apiserver.log"),
  });
  const admin = { ca: pki.ca.certPem, cert: pki.admin.certPem, key: pki.admin.keyPem };
  try {
    // /readyz (not /healthz) waits for the post-start hooks, e.g. RBAC bootstrap roles.
    await waitReady(
      proc,
      `${server}/readyz`,
      async () => (await probe(`${server}/readyz`, admin))?.status === 200,
      {
        timeoutMs: 90_000,
      },
    );
  } catch (err) {
    await proc.stop(0);
    throw err;
  }
  return { process: proc, server };
}
