/** The certificates and keys one control plane needs, generated fresh per run. */
import { join } from "node:path";
import { type CertificateAuthority, type CertificateFiles, createCa, issueCert } from "./certs.js";
import { createServiceAccountKeys, type ServiceAccountKeys } from "./service-account-keys.js";

export interface ControlPlanePki {
  ca: CertificateAuthority;
  /** Serves kube-apiserver and kube-controller-manager on 127.0.0.1. */
  serving: CertificateFiles;
  /** O=system:masters: the admin user for kubectl, readiness checks and the controller manager. */
  admin: CertificateFiles;
  serviceAccount: ServiceAccountKeys;
}

export async function createControlPlanePki(dir: string): Promise<ControlPlanePki> {
  const pkiDir = join(dir, "pki");
  const [ca, serviceAccount] = await Promise.all([
    createCa(pkiDir, "kuberelay-e2e-ca"),
    createServiceAccountKeys(dir),
  ]);
  const [serving, admin] = await Promise.all([
    issueCert(ca, {
      cn: "kube-apiserver",
      // kubernetes.default.* so in-cluster style clients that verify the service name also work.
      dnsNames: ["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"],
      ipAddresses: ["127.0.0.1", "10.0.0.1"],
      server: true,
    }),
    issueCert(ca, { cn: "kuberelay-admin", org: "system:masters", client: true }),
  ]);
  return { ca, serving, admin, serviceAccount };
}
