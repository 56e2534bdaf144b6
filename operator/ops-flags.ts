import { parseBool } from "./leader-flags.js";

export const opsFlagsUsage = `  --metrics-port N         plain HTTP port for /metrics, /healthz and /statusz (default 9090; 0 picks a free one)
  --report-missed-injections BOOL
                           report Pods admitted without their injection (Event InjectionMissed, metric,
                           /statusz); false when the admission webhook is not installed (default true)
  --webhook-excluded-namespaces NS,...
                           namespaces the webhook is never called for (the chart's webhook.excludeNamespaces)`;

/** The parseArgs options these flags need. */
export const opsFlagOptions = {
  "metrics-port": { type: "string", default: "9090" },
  "report-missed-injections": { type: "string" },
  "webhook-excluded-namespaces": { type: "string", default: "" },
} as const;

export interface OpsFlags {
  metricsPort: number;
  reportMissedInjections: boolean;
  webhookExcludedNamespaces: ReadonlySet<string>;
}

export function parseOpsFlags(values: {
  "metrics-port": string;
  "report-missed-injections"?: string;
  "webhook-excluded-namespaces": string;
}): OpsFlags {
  const raw = values["metrics-port"];
  const port = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(port) || port > 65_535)
    throw new Error(`--metrics-port must be 0-65535, got "${raw}"`);
  const excluded = values["webhook-excluded-namespaces"]
    .split(",")
    .map((ns) => ns.trim())
    .filter((ns) => ns !== "");
  return {
    metricsPort: port,
    reportMissedInjections: parseBool("report-missed-injections", values["report-missed-injections"], true),
    webhookExcludedNamespaces: new Set(excluded),
  };
}
