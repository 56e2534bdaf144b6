import { randomBytes } from "node:crypto";
import type { V1Secret } from "@kubernetes/client-node";

/** The Secret's two API calls: create-only, and a read to check what was already there. */
export interface MasterKeySecretApi {
  /** Resolves "exists" when a Secret of that name is already there (HTTP 409 AlreadyExists). */
  create(secret: V1Secret): Promise<"created" | "exists">;
  read(namespace: string, name: string): Promise<V1Secret | undefined>;
}

export interface MasterKeySecretRef {
  namespace: string;
  name: string;
  /** Data key holding the master key. */
  key: string;
}

/**
 * Not app.kubernetes.io/managed-by=kuberelay (the operator's relay-key Secrets) and not
 * app.kubernetes.io/instance (Argo CD's default tracking label): a Secret that is in no rendered
 * manifest must not look like one a GitOps tool or the operator's caches should track.
 */
const labels = { "app.kubernetes.io/part-of": "kuberelay", "app.kubernetes.io/component": "master-key" };
const annotations = {
  // Never deleted by `helm uninstall`/`upgrade`, nor pruned by Argo CD: losing it loses the config.
  "helm.sh/resource-policy": "keep",
  "argocd.argoproj.io/sync-options": "Prune=false",
};

/** A fresh key-encryption key as KUBERELAY_MASTER_KEY expects it: base64 of 32 random bytes. */
export function newMasterKey(): string {
  return randomBytes(32).toString("base64");
}

export function masterKeySecretBody(ref: MasterKeySecretRef, masterKey: string): V1Secret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    type: "Opaque",
    metadata: { name: ref.name, namespace: ref.namespace, labels, annotations },
    data: { [ref.key]: Buffer.from(masterKey, "utf8").toString("base64") },
  };
}

/**
 * Creates the master key Secret once. Create-only, never an update: a Secret that is already
 * there keeps its key (every install since the first, every replica racing this one, a Secret
 * made by an older chart), so no render or restart can ever replace the key the config is
 * sealed under. A Secret without the key is an error to fix by hand, not something to overwrite.
 */
export async function ensureMasterKeySecret(
  api: MasterKeySecretApi,
  ref: MasterKeySecretRef,
  generate: () => string = newMasterKey,
): Promise<"created" | "kept"> {
  const outcome = await api.create(masterKeySecretBody(ref, generate()));
  if (outcome === "created") return "created";
  const existing = await api.read(ref.namespace, ref.name);
  if (!existing?.data?.[ref.key]) {
    throw new Error(
      `Secret ${ref.namespace}/${ref.name} exists but has no data key "${ref.key}": add the master key to it, or delete it so that a new one is generated`,
    );
  }
  return "kept";
}
