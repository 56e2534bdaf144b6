/** Writes a standalone-mode config directory: one provider, one policy, one bring-your-own key. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PolicySpec } from "../../common/schemas/policy.js";
import type { ProviderKeySpec } from "../../common/schemas/provider-key.js";

export function standaloneConfig(
  dir: string,
  o: {
    upstreamURL: string;
    providerKey: string;
    relayKey: string;
    /** The model (or glob) the one route serves. */
    model?: string;
    /** Policy fields besides the route, such as limits and a budget. */
    policy?: Omit<Partial<PolicySpec>, "routes">;
    /** ProviderKey fields besides the provider, endpoint and credential, such as pricing. */
    provider?: Partial<Pick<ProviderKeySpec, "pricing">>;
  },
): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "kuberelay.yaml"),
    `apiVersion: v1
kind: Secret
metadata: { name: upstream, namespace: bench }
stringData: { apiKey: "${o.providerKey}" }
---
apiVersion: v1
kind: Secret
metadata: { name: caller, namespace: bench }
stringData: { key: "${o.relayKey}" }
---
apiVersion: kuberelay.dev/v1alpha1
kind: ProviderKey
metadata: { name: mock, namespace: bench }
spec:
  provider: openai-compatible
  baseURL: ${o.upstreamURL}
  allowPrivateNetwork: true
  credentials: { secretKeyRef: { name: upstream, key: apiKey } }
${Object.entries(o.provider ?? {})
  .map(([field, value]) => `  ${field}: ${JSON.stringify(value)}\n`)
  .join("")}---
apiVersion: kuberelay.dev/v1alpha1
kind: Policy
metadata: { name: bench, namespace: bench }
spec:
  routes:
    - model: "${o.model ?? "gpt-4o-mini"}"
      targets: [{ providerKeyRef: { name: mock } }]
${Object.entries(o.policy ?? {})
  .map(([field, value]) => `  ${field}: ${JSON.stringify(value)}\n`)
  .join("")}---
apiVersion: kuberelay.dev/v1alpha1
kind: RelayKey
metadata: { name: bench, namespace: bench }
spec:
  policyRef: { name: bench }
  secretRef: { name: caller, key: key }
`,
  );
}
