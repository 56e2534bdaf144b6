import type { Stack } from "./kuberelay-stack.js";

/** The resources a platform team and an app team apply: provider credential, policy, relay key. */
export interface QuickstartOptions {
  namespace: string;
  upstreamURL: string;
  providerSecret: string;
  relayKey?: string;
}

export function quickstartManifests(o: QuickstartOptions): string {
  const relayKey = o.relayKey ?? "app";
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${o.namespace}
---
apiVersion: v1
kind: Secret
metadata:
  name: openai-credentials
  namespace: ${o.namespace}
stringData:
  apiKey: ${o.providerSecret}
---
apiVersion: kuberelay.dev/v1alpha1
kind: ProviderKey
metadata:
  name: openai
  namespace: ${o.namespace}
spec:
  provider: openai-compatible
  baseURL: ${o.upstreamURL}
  allowPrivateNetwork: true
  credentials:
    secretKeyRef:
      name: openai-credentials
      key: apiKey
---
apiVersion: kuberelay.dev/v1alpha1
kind: Policy
metadata:
  name: default
  namespace: ${o.namespace}
spec:
  routes:
    - model: gpt-4o-mini
      targets:
        - providerKeyRef:
            name: openai
    - model: "team-*"
      targets:
        - providerKeyRef:
            name: openai
          model: gpt-4o
---
apiVersion: kuberelay.dev/v1alpha1
kind: RelayKey
metadata:
  name: ${relayKey}
  namespace: ${o.namespace}
spec:
  policyRef:
    name: default
  secretName: ${relayKey}-relay-key
`;
}

/** Applies the quick-start resources into `namespace`, pointed at the stack's mock provider. */
export async function applyQuickstart(
  stack: Pick<Stack, "cp" | "mock" | "providerSecret">,
  namespace: string,
): Promise<void> {
  await stack.cp.kubectl(
    ["apply", "-f", "-"],
    quickstartManifests({
      namespace,
      upstreamURL: `${stack.mock.url}/v1`,
      providerSecret: stack.providerSecret,
    }),
  );
}
