import type { KubernetesObject, V1ManagedFieldsEntry, V1Secret } from "@kubernetes/client-node";
import type { SecretValue } from "../secret-value.js";
import { pruneManagedFields } from "./managed-fields.js";
import {
  type CredentialRead,
  credentialFields,
  type ObservedObject,
  observePolicy,
  observeProviderKey,
  observeRelayKey,
} from "./observed.js";

/** A credential Secret as the compile read it, without its data: what the audit needs of it. */
export interface ReadSecretMeta {
  resourceVersion?: string | undefined;
  managedFields?: V1ManagedFieldsEntry[] | undefined;
}

export const secretMeta = (secret: V1Secret): ReadSecretMeta => ({
  resourceVersion: secret.metadata?.resourceVersion,
  managedFields: secret.metadata?.managedFields,
});

export interface SnapshotSources {
  relayKeys: readonly KubernetesObject[];
  policies: readonly KubernetesObject[];
  providerKeys: readonly KubernetesObject[];
  /** The Secret a RelayKey owns, when it controls one. */
  ownedSecret(relayKey: KubernetesObject): V1Secret | undefined;
  /** `namespace/name` of every credential Secret this compile asked for. */
  secretsRead: ReadonlySet<string>;
  /** Those that existed, by `namespace/name`. */
  secretsFound: ReadonlyMap<string, ReadSecretMeta>;
  /** The values read, by `namespace/name/key`. */
  values: ReadonlyMap<string, SecretValue>;
  fingerprint(value: SecretValue | undefined): string;
}

/** Every audited object as this compile sees it. The values are only fingerprinted, never kept. */
export function auditSnapshot(src: SnapshotSources): ObservedObject[] {
  const credential = (namespace: string, secret: string, key: string): CredentialRead | undefined => {
    const id = `${namespace}/${secret}`;
    if (!src.secretsRead.has(id)) return undefined;
    const meta = src.secretsFound.get(id);
    return {
      seen: src.fingerprint(meta ? src.values.get(`${id}/${key}`) : undefined),
      ...(meta?.resourceVersion ? { resourceVersion: meta.resourceVersion } : {}),
      writers: pruneManagedFields(meta?.managedFields, credentialFields(key)),
    };
  };
  const out: ObservedObject[] = [];
  for (const rk of src.relayKeys) {
    const o = observeRelayKey(rk, src.ownedSecret(rk));
    if (o) out.push(o);
  }
  for (const p of src.policies) {
    const o = observePolicy(p);
    if (o) out.push(o);
  }
  for (const pk of src.providerKeys) {
    const o = observeProviderKey(pk, credential);
    if (o) out.push(o);
  }
  return out;
}
