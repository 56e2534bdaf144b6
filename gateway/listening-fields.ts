import { resolve } from "node:path";

/** Where a gateway takes its config from: a cluster's Secret, or a directory (standalone). */
export type ConfigOrigin = { configDir: string } | { namespace: string; configSecret: string };

/**
 * The `listening` log line's fields: the ports, and where the config comes from in terms
 * that mean something in this mode (a standalone gateway has no namespace or Secret).
 */
export function listeningFields(
  ports: { port: number; metricsPort: number },
  origin: ConfigOrigin,
): Record<string, string | number> {
  if ("configDir" in origin) return { ...ports, configDir: resolve(origin.configDir) };
  return { ...ports, namespace: origin.namespace, configSecret: origin.configSecret };
}
