import type { V1PolicyRule } from "@kubernetes/client-node";
import { allShardSecretNames } from "../config/config-shards.js";
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
  // Finds Pods that asked for injection but were admitted without it (webhook outage); never writes them.
  { apiGroups: [""], resources: ["pods"], verbs: ["list", "watch"] },
];

/**
 * In the operator's own namespace: the gateway config Secret and the leader-election Lease, and,
 * given its own Deployment's name, a read of that Deployment: the Secrets the operator writes
 * here name it as their owner (operator/secret-owner.ts).
 */
export function operatorNamespaceRules(configSecret: string, ownerDeployment?: string): V1PolicyRule[] {
  const owner: V1PolicyRule[] = ownerDeployment
    ? [{ apiGroups: ["apps"], resources: ["deployments"], resourceNames: [ownerDeployment], verbs: ["get"] }]
    : [];
  return [
    {
      apiGroups: [""],
      resources: ["secrets"],
      resourceNames: [configSecret],
      verbs: ["get", "patch", "update"],
    },
    {
      apiGroups: [""],
      resources: ["secrets"],
      // The shard Secrets a large config is split into; deleted when no manifest needs them.
      resourceNames: allShardSecretNames(configSecret),
      verbs: ["get", "patch", "update", "delete"],
    },
    // Leader election: one operator replica writes at a time.
    { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "create", "update"] },
    ...owner,
  ];
}

/** The gateway reads its config Secret (list+watch by name) and its shards, and nothing else. */
export function gatewayNamespaceRules(configSecret: string): V1PolicyRule[] {
  return [
    {
      apiGroups: [""],
      resources: ["secrets"],
      resourceNames: [configSecret],
      verbs: ["get", "list", "watch"],
    },
    {
      apiGroups: [""],
      resources: ["secrets"],
      resourceNames: allShardSecretNames(configSecret),
      verbs: ["get"],
    },
  ];
}

/** The webhook reads RelayKeys to find their Secret's name; it never reads a Secret. */
export const webhookClusterRules: V1PolicyRule[] = [
  // Watched, so an admission reads them from memory (webhook/lookup-caches.ts); get for what the cache lacks.
  { apiGroups: [GROUP], resources: ["relaykeys"], verbs: ["get", "list", "watch"] },
  // Namespace labels decide injection for pods that do not carry the annotation.
  { apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list", "watch"] },
  { apiGroups: ["", "events.k8s.io"], resources: ["events"], verbs: ["create", "patch"] },
];

/**
 * The operator with --webhook-tls-secret, in its namespace: the webhook's serving Secret and the
 * CA Secret. Creating them needs `create` on secrets, which RBAC cannot limit by name; the
 * operator's ClusterRole already grants it.
 */
export function operatorWebhookTlsNamespaceRules(tlsSecret: string, caSecret: string): V1PolicyRule[] {
  return [
    {
      apiGroups: [""],
      resources: ["secrets"],
      resourceNames: [tlsSecret, caSecret],
      verbs: ["get", "list", "watch", "update"],
    },
  ];
}

/** The operator with --webhook-tls-secret keeps the caBundle of this one MutatingWebhookConfiguration. */
export function operatorWebhookTlsClusterRules(webhookConfig: string): V1PolicyRule[] {
  return [
    {
      apiGroups: ["admissionregistration.k8s.io"],
      resources: ["mutatingwebhookconfigurations"],
      resourceNames: [webhookConfig],
      verbs: ["get", "list", "watch", "patch"],
    },
  ];
}

/** The webhook with --tls-secret reads its serving Secret (list+watch by name), never the CA's. */
export function webhookNamespaceRules(tlsSecret: string): V1PolicyRule[] {
  return [
    {
      apiGroups: [""],
      resources: ["secrets"],
      resourceNames: [tlsSecret],
      verbs: ["get", "list", "watch"],
    },
  ];
}
