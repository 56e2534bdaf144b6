import type { NamespaceLookup } from "../namespace-lookup.js";
import type { RelayKeyInfo, RelayKeyLookup } from "../relay-key-lookup.js";

export const GATEWAY_URL = "http://kuberelay-gateway.kuberelay.svc:8787";

/** An AdmissionReview v1 for a Pod CREATE, shaped like the API server sends it. */
export function podCreateReview(
  annotations: Record<string, string>,
  overrides: { uid?: string; containers?: unknown[] } = {},
): Record<string, unknown> {
  return {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: overrides.uid ?? "0b6c3f0e-1c5e-4c8e-9d0a-4f1f6a3b2c11",
      kind: { group: "", version: "v1", kind: "Pod" },
      resource: { group: "", version: "v1", resource: "pods" },
      requestKind: { group: "", version: "v1", kind: "Pod" },
      namespace: "team-a",
      operation: "CREATE",
      userInfo: { username: "system:serviceaccount:kube-system:replicaset-controller" },
      object: {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { generateName: "chat-7d9f-", namespace: "team-a", annotations },
        spec: { containers: overrides.containers ?? [{ name: "app", image: "chat:1" }] },
      },
      oldObject: null,
      dryRun: false,
    },
  };
}

/** A lookup over a fixed map `namespace/name` → info that records what it was asked. */
export function fakeLookup(entries: Record<string, RelayKeyInfo>): RelayKeyLookup & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async get(namespace, name) {
      asked.push(`${namespace}/${name}`);
      return entries[`${namespace}/${name}`];
    },
  };
}

/** A namespace lookup over a fixed map name → labels; unknown namespaces have no labels. */
export function fakeNamespaces(labels: Record<string, Record<string, string>>): NamespaceLookup {
  return { labels: async (name) => labels[name] ?? {} };
}
