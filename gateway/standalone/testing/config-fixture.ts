import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger, type Logger } from "../../../common/log.js";

export const PROVIDER_CREDENTIAL = "sk-upstream-credential-9f8e7d6c5b4a";
export const RELAY_KEY = "krk_test-relay-key-0123456789abcdefghijklmnop";

/** A complete standalone setup: provider credential, ProviderKey, Policy, RelayKey and its Secret. */
export const FULL_CONFIG: Record<string, string> = {
  "credentials.yaml": `apiVersion: v1
kind: Secret
metadata:
  name: openai-credentials
data:
  apiKey: ${Buffer.from(PROVIDER_CREDENTIAL).toString("base64")}
`,
  "provider.yaml": `apiVersion: kuberelay.dev/v1alpha1
kind: ProviderKey
metadata:
  name: openai
spec:
  provider: openai
  credentials:
    secretKeyRef: { name: openai-credentials, key: apiKey }
`,
  "policy.yaml": `apiVersion: kuberelay.dev/v1alpha1
kind: Policy
metadata:
  name: default
spec:
  routes:
    - model: "gpt-*"
      targets:
        - providerKeyRef: { name: openai }
`,
  "relay-key.yml": `apiVersion: v1
kind: Secret
metadata:
  name: app-key
stringData:
  token: ${RELAY_KEY}
---
apiVersion: kuberelay.dev/v1alpha1
kind: RelayKey
metadata:
  name: app
spec:
  policyRef: { name: default }
  secretRef: { name: app-key, key: token }
`,
};

export async function tempConfigDir(
  files: Record<string, string>,
): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "kuberelay-standalone-"));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A real logger whose lines are kept, raw, so tests can search them for secrets. */
export function captureLog(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: createLogger("gateway", { level: "debug", sink: (line) => lines.push(line) }), lines };
}

export async function waitFor(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs}ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
