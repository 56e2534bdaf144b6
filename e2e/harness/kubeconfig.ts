/** Writes a self-contained kubeconfig (certificates embedded) for one cluster and one user. */
import { writeFile } from "node:fs/promises";
import { stringify } from "yaml";

export type KubeconfigUser = { clientCertPem: string; clientKeyPem: string } | { token: string };

export interface KubeconfigSpec {
  server: string;
  caPem: string;
  user: KubeconfigUser;
  /** Names the cluster, user and context; shows up in kubectl errors, so make it descriptive. */
  name: string;
}

const b64 = (pem: string): string => Buffer.from(pem).toString("base64");

export function kubeconfigYaml({ server, caPem, user, name }: KubeconfigSpec): string {
  const credentials =
    "token" in user
      ? { token: user.token }
      : { "client-certificate-data": b64(user.clientCertPem), "client-key-data": b64(user.clientKeyPem) };
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster: { server, "certificate-authority-data": b64(caPem) } }],
    users: [{ name, user: credentials }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
  });
}

export async function writeKubeconfig(path: string, spec: KubeconfigSpec): Promise<string> {
  // Holds a private key or a token.
  await writeFile(path, kubeconfigYaml(spec), { mode: 0o600 });
  return path;
}
