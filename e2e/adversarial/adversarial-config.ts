/**
 * A standalone config directory for the adversarial files: several upstreams, routes with their
 * own timeouts, and Policy limits — more than harness/standalone-config.ts's one of each.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface UpstreamSpec {
  name: string;
  provider: "openai-compatible" | "anthropic";
  baseURL: string;
  credential: string;
}

export interface RouteSpec {
  model: string;
  upstream: string;
  timeoutSeconds?: number;
}

export interface AdversarialConfig {
  relayKey: string;
  upstreams: UpstreamSpec[];
  routes: RouteSpec[];
  maxRequestBodyBytes?: number;
}

/** JSON is YAML: every value is written as a JSON literal so no key or URL needs escaping by hand. */
const q = (v: string | number) => JSON.stringify(v);

export function writeAdversarialConfig(dir: string, c: AdversarialConfig): void {
  mkdirSync(dir, { recursive: true });
  const docs: string[] = [
    `apiVersion: v1
kind: Secret
metadata: { name: caller, namespace: adv }
stringData: { key: ${q(c.relayKey)} }`,
  ];
  for (const u of c.upstreams) {
    docs.push(`apiVersion: v1
kind: Secret
metadata: { name: ${q(`${u.name}-cred`)}, namespace: adv }
stringData: { apiKey: ${q(u.credential)} }`);
    docs.push(`apiVersion: kuberelay.dev/v1alpha1
kind: ProviderKey
metadata: { name: ${q(u.name)}, namespace: adv }
spec:
  provider: ${u.provider}
  baseURL: ${q(u.baseURL)}
  allowPrivateNetwork: true
  credentials: { secretKeyRef: { name: ${q(`${u.name}-cred`)}, key: apiKey } }`);
  }
  const routes = c.routes.map(
    (r) =>
      `    - model: ${q(r.model)}
      targets: [{ providerKeyRef: { name: ${q(r.upstream)} }${r.timeoutSeconds ? `, timeoutSeconds: ${r.timeoutSeconds}` : ""} }]`,
  );
  const limits = c.maxRequestBodyBytes ? `\n  limits: { maxRequestBodyBytes: ${c.maxRequestBodyBytes} }` : "";
  docs.push(`apiVersion: kuberelay.dev/v1alpha1
kind: Policy
metadata: { name: adv, namespace: adv }
spec:
  routes:
${routes.join("\n")}${limits}`);
  docs.push(`apiVersion: kuberelay.dev/v1alpha1
kind: RelayKey
metadata: { name: adv, namespace: adv }
spec:
  policyRef: { name: adv }
  secretRef: { name: caller, key: key }`);
  writeFileSync(join(dir, "kuberelay.yaml"), `${docs.join("\n---\n")}\n`);
}
