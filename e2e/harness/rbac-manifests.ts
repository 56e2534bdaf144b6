/** The processes' RBAC for the e2e cluster, from the same rules the chart's roles are generated from. */
import type { V1PolicyRule } from "@kubernetes/client-node";
import {
  gatewayNamespaceRules,
  operatorClusterRules,
  operatorNamespaceRules,
  operatorWebhookTlsClusterRules,
  operatorWebhookTlsNamespaceRules,
  webhookClusterRules,
  webhookNamespaceRules,
} from "../../common/rbac/rules.js";

type Manifest = Record<string, unknown>;

function clusterRole(name: string, rules: V1PolicyRule[], sa: string, namespace: string): Manifest[] {
  return [
    { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name }, rules },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
      subjects: [{ kind: "ServiceAccount", name: sa, namespace }],
    },
  ];
}

function role(name: string, rules: V1PolicyRule[], sa: string, namespace: string): Manifest[] {
  return [
    { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name, namespace }, rules },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name, namespace },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
      subjects: [{ kind: "ServiceAccount", name: sa, namespace }],
    },
  ];
}

/** Names of the webhook TLS objects when the operator manages them (--webhook-tls-secret). */
export interface WebhookTlsNames {
  secret: string;
  caSecret: string;
  webhookConfig: string;
}

export function rbacManifests(
  namespace: string,
  configSecret: string,
  webhookTls?: WebhookTlsNames,
): Manifest[] {
  const tls = webhookTls
    ? [
        ...role(
          "kuberelay-operator-webhook-tls",
          operatorWebhookTlsNamespaceRules(webhookTls.secret, webhookTls.caSecret),
          "kuberelay-operator",
          namespace,
        ),
        ...clusterRole(
          "kuberelay-operator-webhook-tls",
          operatorWebhookTlsClusterRules(webhookTls.webhookConfig),
          "kuberelay-operator",
          namespace,
        ),
        ...role(
          "kuberelay-webhook-tls",
          webhookNamespaceRules(webhookTls.secret),
          "kuberelay-webhook",
          namespace,
        ),
      ]
    : [];
  return [
    ...tls,
    ...clusterRole("kuberelay-operator", operatorClusterRules, "kuberelay-operator", namespace),
    ...role(
      "kuberelay-operator-config",
      operatorNamespaceRules(configSecret),
      "kuberelay-operator",
      namespace,
    ),
    ...role("kuberelay-gateway", gatewayNamespaceRules(configSecret), "kuberelay-gateway", namespace),
    ...clusterRole("kuberelay-webhook", webhookClusterRules, "kuberelay-webhook", namespace),
  ];
}
