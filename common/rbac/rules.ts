import type { V1PolicyRule } from "@kubernetes/client-node";
import { GROUP } from "../names.js";

/**
 * The RBAC each process needs, and nothing more. The chart's roles are generated from
 * these (npm run generate) and the e2e suite runs every process under them.
 */
const customResources = ["relaykeys", "policies", "providerkeys"];

export const operatorClusterRules: V1PolicyRule[] = [
  { apiGroups: [GROUP], resources: customResources, verbs: ["get", "list", "watch"] },
  {
    apiGroups: [GROUP],
    resources: customResources.map((r) => `${r}/status`),
    verbs: ["get", "patch", "update"],
  },
  // Reads ProviderKey credentials and watches the relay-key Secrets it issued; creates those once,
  // and updates them only to rotate (RBAC cannot narrow this by label: the operator checks that
  // its RelayKey controls a Secret before it writes one).
  { apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch", "create", "update"] },
  { apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list", "watch"] },
  { apiGroups: ["", "events.k8s.io"], resources: ["events"], verbs: ["create", "patch"] },
];

/** In the operator's own namespace: the gateway config Secret and the leader-election Lease. */
export function operatorNamespaceRules(configSecret: string): V1PolicyRule[] {
  return [
    {
      apiGroups: [""],
      resources: ["secrets"],
      resourceNames: [configSecret],
      verbs: ["get", "patch", "update"],
    },
    // Leader election: one operator replica writes at a time.
    { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "create", "update"] },
  ];
}

/** The gateway reads its config Secret and nothing else (list+watch by name). */
export function gatewayNamespaceRules(configSecret: string): V1PolicyRule[] {
  return [
    {
      apiGroups: [""],
      resources: ["secrets"],
      resourceNames: [configSecret],
      verbs: ["get", "list", "watch"],
    },
  ];
}

/** The webhook reads RelayKeys to find their Secret's name; it never reads a Secret. */
export const webhookClusterRules: V1PolicyRule[] = [
  { apiGroups: [GROUP], resources: ["relaykeys"], verbs: ["get"] },
  // Namespace labels decide injection for pods that do not carry the annotation.
  { apiGroups: [""], resources: ["namespaces"], verbs: ["get"] },
  { apiGroups: ["", "events.k8s.io"], resources: ["events"], verbs: ["create", "patch"] },
];
