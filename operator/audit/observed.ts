import type { KubernetesObject, V1ManagedFieldsEntry, V1Secret } from "@kubernetes/client-node";
import { ANNOTATION_ROTATION_REQUESTED_AT } from "../../common/names.js";
import { rotatedAt } from "../key-rotation.js";
import { type AuditKind, CONTENT_MODES, type ContentMode } from "./audit-record.js";
import { type FieldPath, pruneManagedFields } from "./managed-fields.js";

/**
 * What the audit compares between two looks at an object. Read from raw cached objects (they are
 * validated later, or never: an object the schema refuses is still created and deleted by
 * someone), so every field is read defensively and bounded.
 */
export interface AuditState {
  /** RelayKey: spec.disabled. */
  disabled?: boolean;
  /** RelayKey: when its Secret's current key replaced another (RFC 3339); absent if never rotated. */
  rotatedAt?: string;
  /** Policy: spec.content.mode ("off" when unset); absent when unreadable. */
  contentMode?: ContentMode;
  /** ProviderKey: where the credential is read from, by name. */
  credential?: { secret: string; key: string };
  /**
   * ProviderKey, in memory only: a fingerprint of the credential's value under a key this process
   * drew at random (credential-fingerprint.ts), MISSING when the Secret or key is absent, or
   * undefined when not known (after a restart). Never written anywhere.
   */
  credentialSeen?: string;
}

export interface ObservedObject {
  kind: AuditKind;
  namespace: string;
  name: string;
  uid: string;
  generation: number;
  /** The operator has written its status: some operator saw it before this one. */
  reconciled: boolean;
  createdAt?: string;
  deletingAt?: string;
  state: AuditState;
  /** The object's managedFields, as the audit's trim keeps them (auditedFields below). */
  writers: V1ManagedFieldsEntry[];
  /** RelayKey: the rotation answered spec.rotation.requestedAt (else the schedule did it). */
  rotationRequested?: boolean;
  /** ProviderKey: the credential Secret as last read, for who changed its data. */
  secret?: { resourceVersion: string; writers: V1ManagedFieldsEntry[] };
}

export const MISSING = "missing";

/** The spec fields each kind's audit reads the writer of; ["spec"] for who created it. */
export const auditedFields: Record<AuditKind, readonly FieldPath[]> = {
  RelayKey: [["spec"], ["spec", "disabled"], ["spec", "rotation", "requestedAt"]],
  Policy: [["spec"], ["spec", "content"], ["spec", "content", "mode"]],
  ProviderKey: [["spec"], ["spec", "credentials"], ["spec", "credentials", "secretKeyRef"]],
};

/** A Secret's writers of one key, whether sent as data or stringData. */
export const credentialFields = (key: string): FieldPath[] => [
  ["data", key],
  ["stringData", key],
];

/** Names are at most 253 characters in Kubernetes; anything longer is cut, not trusted. */
const MAX_NAME = 253;

type Loose = Record<string, unknown>;
const loose = (v: unknown): Loose =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Loose) : {};
const text = (v: unknown): string | undefined => (typeof v === "string" ? v.slice(0, MAX_NAME) : undefined);

function timestamp(v: unknown): string | undefined {
  const ms = v instanceof Date ? v.getTime() : typeof v === "string" ? Date.parse(v) : Number.NaN;
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function reconciled(status: unknown): boolean {
  const s = loose(status);
  return typeof s.observedGeneration === "number" || (Array.isArray(s.conditions) && s.conditions.length > 0);
}

/**
 * Replaces managedFields by what the audit reads of them: the cache's trim for the three custom
 * kinds, so cached objects stay small while the audit can still say who wrote a field.
 */
export function trimToAuditedFields(kind: AuditKind): (obj: KubernetesObject) => void {
  return (obj) => {
    if (!obj.metadata) return;
    const kept = pruneManagedFields(obj.metadata.managedFields, auditedFields[kind]);
    if (kept.length > 0) obj.metadata.managedFields = kept;
    else delete obj.metadata.managedFields;
  };
}

function identity(kind: AuditKind, obj: KubernetesObject & { status?: unknown }) {
  const m = obj.metadata;
  const uid = text(m?.uid);
  const name = text(m?.name);
  if (!m || !uid || !name) return undefined;
  const createdAt = timestamp(m.creationTimestamp);
  const deletingAt = timestamp(m.deletionTimestamp);
  return {
    kind,
    namespace: text(m.namespace) ?? "",
    name,
    uid,
    generation: typeof m.generation === "number" ? m.generation : 0,
    reconciled: reconciled(obj.status),
    ...(createdAt ? { createdAt } : {}),
    ...(deletingAt ? { deletingAt } : {}),
    // Already pruned by the cache's trim; pruned again here, cheaply, for objects from elsewhere.
    writers: pruneManagedFields(m.managedFields, auditedFields[kind]),
  };
}

const specOf = (obj: KubernetesObject) => loose((obj as { spec?: unknown }).spec);

/** A RelayKey and the Secret it owns (undefined before it is issued, or for a secretRef key). */
export function observeRelayKey(
  obj: KubernetesObject,
  owned: V1Secret | undefined,
): ObservedObject | undefined {
  const id = identity("RelayKey", obj);
  if (!id) return undefined;
  const spec = specOf(obj);
  const at = owned ? rotatedAt(owned) : undefined;
  const answered = owned?.metadata?.annotations?.[ANNOTATION_ROTATION_REQUESTED_AT];
  const requested = text(loose(spec.rotation).requestedAt);
  return {
    ...id,
    state: {
      disabled: spec.disabled === true,
      ...(at === undefined ? {} : { rotatedAt: new Date(at).toISOString() }),
    },
    ...(at === undefined ? {} : { rotationRequested: requested !== undefined && answered === requested }),
  };
}

export function observePolicy(obj: KubernetesObject): ObservedObject | undefined {
  const id = identity("Policy", obj);
  if (!id) return undefined;
  const mode = loose(specOf(obj).content).mode ?? "off";
  const known = CONTENT_MODES.find((m) => m === mode);
  return { ...id, state: known ? { contentMode: known } : {} };
}

/** What the compile read of a ProviderKey's credential Secret; undefined when it was not read. */
export interface CredentialRead {
  /** A fingerprint of the value (credential-fingerprint.ts), or MISSING. */
  seen: string;
  resourceVersion?: string;
  /** The Secret's managedFields, pruned to credentialFields(key). */
  writers: V1ManagedFieldsEntry[];
}

export function observeProviderKey(
  obj: KubernetesObject,
  read: (namespace: string, secret: string, key: string) => CredentialRead | undefined,
): ObservedObject | undefined {
  const id = identity("ProviderKey", obj);
  if (!id) return undefined;
  const ref = loose(loose(specOf(obj).credentials).secretKeyRef);
  const secret = text(ref.name);
  const key = text(ref.key);
  if (!secret || !key) return { ...id, state: {} };
  const got = read(id.namespace, secret, key);
  return {
    ...id,
    state: { credential: { secret, key }, ...(got ? { credentialSeen: got.seen } : {}) },
    ...(got ? { secret: { resourceVersion: got.resourceVersion ?? "", writers: got.writers } } : {}),
  };
}
