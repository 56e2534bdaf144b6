import { existsSync, readFileSync } from "node:fs";

const SA_NAMESPACE_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

/** The namespace this process runs in: a flag, POD_NAMESPACE, the service account's, or the default. */
export function ownNamespace(flag: string | undefined, fallback = "kuberelay-system"): string {
  if (flag) return flag;
  if (process.env.POD_NAMESPACE) return process.env.POD_NAMESPACE;
  if (existsSync(SA_NAMESPACE_FILE)) return readFileSync(SA_NAMESPACE_FILE, "utf8").trim();
  return fallback;
}
