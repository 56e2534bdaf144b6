import { CoreV1Api, type KubeConfig, type V1Secret } from "@kubernetes/client-node";
import { generateRelayKey } from "../common/crypto/relay-key.js";
import { isConflict } from "../common/kube/api-error.js";
import {
  ANNOTATION_KEY_ISSUED_AT,
  API_VERSION,
  LABEL_MANAGED_BY,
  LABEL_RELAY_KEY,
  MANAGED_BY,
  RELAY_KEY_SECRET_KEY,
} from "../common/names.js";
import type { GeneratedRelayKey } from "../common/schemas/relay-key.js";

/** Whether this RelayKey (by uid) controls the Secret: only then are its keys trusted or rewritten. */
export function isOwnedSecret(
  secret: V1Secret | undefined,
  ownerUid: string | undefined,
): secret is V1Secret {
  if (!secret || !ownerUid) return false;
  return secret.metadata?.ownerReferences?.some((o) => o.uid === ownerUid && o.controller === true) === true;
}

/** The key plaintext from a Secret, but only if that Secret belongs to this RelayKey. */
export function plaintextFromOwnedSecret(
  secret: V1Secret | undefined,
  ownerUid: string | undefined,
): string | undefined {
  if (!isOwnedSecret(secret, ownerUid)) return undefined;
  const encoded = secret.data?.[RELAY_KEY_SECRET_KEY];
  if (!encoded) return undefined;
  return Buffer.from(encoded, "base64").toString("utf8");
}

export function relayKeySecretBody(rk: GeneratedRelayKey, plaintext: string, now = new Date()): V1Secret {
  const uid = rk.metadata.uid ?? "";
  return {
    apiVersion: "v1",
    kind: "Secret",
    type: "Opaque",
    metadata: {
      name: rk.spec.secretName,
      namespace: rk.metadata.namespace,
      labels: { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_RELAY_KEY]: rk.metadata.name },
      annotations: { [ANNOTATION_KEY_ISSUED_AT]: now.toISOString() },
      ownerReferences: [
        {
          apiVersion: API_VERSION,
          kind: "RelayKey",
          name: rk.metadata.name,
          uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    data: { [RELAY_KEY_SECRET_KEY]: Buffer.from(plaintext, "utf8").toString("base64") },
  };
}

export type EnsureResult = "exists" | "created" | "conflict";

/**
 * Writes a freshly generated key into the RelayKey's Secret exactly once. The Secret is
 * created, never updated: an existing Secret of that name is left alone and reported as
 * a conflict unless this RelayKey owns it.
 */
export async function ensureRelayKeySecret(
  kc: KubeConfig,
  rk: GeneratedRelayKey,
  cached: V1Secret | undefined,
): Promise<EnsureResult> {
  if (plaintextFromOwnedSecret(cached, rk.metadata.uid) !== undefined) return "exists";
  if (cached) return "conflict";
  const core = kc.makeApiClient(CoreV1Api);
  try {
    await core.createNamespacedSecret({
      namespace: rk.metadata.namespace,
      body: relayKeySecretBody(rk, generateRelayKey()),
    });
    return "created";
  } catch (err) {
    if (!isConflict(err)) throw err;
    const existing = await core.readNamespacedSecret({
      name: rk.spec.secretName,
      namespace: rk.metadata.namespace,
    });
    return plaintextFromOwnedSecret(existing, rk.metadata.uid) === undefined ? "conflict" : "exists";
  }
}
