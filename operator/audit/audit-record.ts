import type { Actor } from "./managed-fields.js";

export type AuditKind = "RelayKey" | "ProviderKey" | "Policy";

export const AUDIT_ACTIONS = [
  "created",
  "rotated",
  "disabled",
  "enabled",
  "deleted",
  "credential_changed",
  "content_mode_changed",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const CONTENT_MODES = ["off", "encrypted", "plaintext"] as const;
export type ContentMode = (typeof CONTENT_MODES)[number];

/**
 * How the actor was found:
 * - field-owner: the managedFields entry that owns the changed field;
 * - spec-writer: no entry owns it (the field was removed, which hands ownership to no one), so
 *   the newest entry that wrote any audited spec field: a guess, said to be one;
 * - operator: the operator did it on its own (a scheduled rotation);
 * - unknown: nothing tells (a deletion; managedFields stripped or missing).
 */
export type ActorSource = "field-owner" | "spec-writer" | "operator" | "unknown";

/**
 * What a row and an Event may say beyond identity: names and modes, never a value. A closed
 * type on purpose: a Secret's data, or anything derived from it, has no field to go into.
 */
export interface AuditDetail {
  /** A ProviderKey's credential: the Secret and the key in it, by name. */
  secret?: string;
  key?: string;
  /** When the reference itself moved: where the credential was read from before. */
  previousSecret?: string;
  previousKey?: string;
  /** A Policy's content mode before and after. */
  from?: ContentMode;
  to?: ContentMode;
  /** At creation: the state later changes are compared with after a restart. */
  disabled?: boolean;
  contentMode?: ContentMode;
}

export interface AuditRecord {
  kind: AuditKind;
  namespace: string;
  name: string;
  uid: string;
  action: AuditAction;
  /** With uid and action, names the change once (see migration 3). */
  marker: string;
  /** RFC 3339: when the change happened, as near as the object tells. */
  occurredAt: string;
  actor?: Actor | undefined;
  actorSource: ActorSource;
  detail: AuditDetail;
}
