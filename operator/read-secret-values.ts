import type { V1Secret } from "@kubernetes/client-node";
import { MAX_RELAY_KEY_LENGTH } from "../common/schemas/relay-key.js";
import { decodeBounded, MAX_CREDENTIAL_BYTES, type SecretValue } from "./secret-value.js";

export interface SecretValueRef {
  namespace: string;
  name: string;
  key: string;
  /** What the value is for, which bounds how much of it the operator will hold. */
  use: "credential" | "relayKey";
}

const maxBytes = { credential: MAX_CREDENTIAL_BYTES, relayKey: MAX_RELAY_KEY_LENGTH } as const;

/**
 * GETs each Secret once, keeping only the keys asked for, each only up to what its use needs:
 * a larger value is kept as OVERSIZE, so that a tenant's 1 MiB Secrets referenced by thousands of
 * RelayKeys cost the operator nothing lasting. Returns `namespace/name/key` → value.
 * `read` resolves undefined for a Secret that does not exist.
 */
export async function readSecretValues(
  refs: readonly SecretValueRef[],
  read: (namespace: string, name: string) => Promise<V1Secret | undefined>,
): Promise<Map<string, SecretValue>> {
  const values = new Map<string, SecretValue>();
  const bySecret = new Map<string, { namespace: string; name: string; keys: Map<string, number> }>();
  for (const { namespace, name, key, use } of refs) {
    const id = `${namespace}/${name}`;
    const entry = bySecret.get(id) ?? { namespace, name, keys: new Map<string, number>() };
    entry.keys.set(key, Math.max(entry.keys.get(key) ?? 0, maxBytes[use]));
    bySecret.set(id, entry);
  }
  for (const [id, { namespace, name, keys }] of bySecret) {
    const secret = await read(namespace, name);
    for (const [key, limit] of keys) {
      const encoded = secret?.data?.[key];
      if (encoded) values.set(`${id}/${key}`, decodeBounded(encoded, limit));
    }
  }
  return values;
}
