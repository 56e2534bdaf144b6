/** Waits for a RelayKey to be Ready, reads its key, and waits until every gateway accepts it. */
import type { GatewayHandle, Stack } from "./kuberelay-stack.js";

export async function waitForKeyOnGateway(gw: GatewayHandle, key: string): Promise<void> {
  // /v1/models authenticates but is not counted against request limits. A 403 is a key the
  // gateway knows whose Policy's scopes leave out listing models.
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    await res.arrayBuffer();
    if (res.status === 200 || res.status === 403) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gateway ${gw.url} never accepted the key`);
}

/** Applies a RelayKey that generates its key into `secretName`; `spec` adds to or overrides its spec. */
export async function applyRelayKey(
  stack: Stack,
  namespace: string,
  name: string,
  spec: { policy: string; secretName: string; extra?: Record<string, unknown> },
): Promise<void> {
  await stack.cp.kubectl(
    ["apply", "-f", "-"],
    JSON.stringify({
      apiVersion: "kuberelay.dev/v1alpha1",
      kind: "RelayKey",
      metadata: { name, namespace },
      spec: { policyRef: { name: spec.policy }, secretName: spec.secretName, ...spec.extra },
    }),
  );
}

/** Until the operator reports the RelayKey Ready (kubectl wait). */
export async function waitRelayKeyReady(stack: Stack, namespace: string, name: string): Promise<void> {
  await stack.cp.kubectl([
    "wait",
    "--for=condition=Ready",
    "--timeout=30s",
    "-n",
    namespace,
    `relaykey/${name}`,
  ]);
}

export async function issuedRelayKey(
  stack: Stack,
  namespace: string,
  relayKey: string,
  secretName: string,
): Promise<string> {
  await waitRelayKeyReady(stack, namespace, relayKey);
  const { stdout } = await stack.cp.kubectl([
    "get",
    "secret",
    "-n",
    namespace,
    secretName,
    "-o",
    "jsonpath={.data.key}",
  ]);
  const key = Buffer.from(stdout, "base64").toString("utf8");
  // Registered now: a key rotated out or deleted before stop() is gone from the cluster by then.
  stack.canaries.addRelayKey(`relay key ${namespace}/${secretName}`, key, true);
  for (const gw of stack.gateways) await waitForKeyOnGateway(gw, key);
  return key;
}
