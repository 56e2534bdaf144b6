import { FIELD_MANAGER } from "../../common/names.js";
import type { ActorSource, AuditAction, AuditDetail, AuditRecord } from "./audit-record.js";
import { type Actor, type FieldPath, writerOf } from "./managed-fields.js";
import { type AuditState, MISSING, type ObservedObject } from "./observed.js";

/** What the audit remembers of an object between two looks (or rebuilt from the table). */
export interface KnownObject {
  kind: ObservedObject["kind"];
  namespace: string;
  name: string;
  uid: string;
  state: AuditState;
  /** Its deletion is recorded; it may linger while finalizers run. */
  deleted: boolean;
}

const generationMarker = (o: ObservedObject) => `generation:${o.generation}`;

/** The owner of `path`, else the newest writer of any audited spec field (said to be a guess). */
function actorFor(o: ObservedObject, ...paths: FieldPath[]): { actor?: Actor; actorSource: ActorSource } {
  for (const path of paths) {
    const actor = writerOf(o.writers, path);
    if (actor) return { actor, actorSource: "field-owner" };
  }
  const actor = writerOf(o.writers, ["spec"]);
  return actor ? { actor, actorSource: "spec-writer" } : { actorSource: "unknown" };
}

function record(
  o: Pick<ObservedObject, "kind" | "namespace" | "name" | "uid">,
  action: AuditAction,
  marker: string,
  occurredAt: string,
  who: { actor?: Actor | undefined; actorSource: ActorSource },
  detail: AuditDetail = {},
): AuditRecord {
  const { kind, namespace, name, uid } = o;
  return { kind, namespace, name, uid, action, marker, occurredAt, ...who, detail };
}

function created(o: ObservedObject, at: string): AuditRecord {
  const actor = writerOf(o.writers, ["spec"], "oldest");
  const { disabled, contentMode, credential } = o.state;
  const detail: AuditDetail =
    o.kind === "RelayKey"
      ? { disabled: disabled === true }
      : o.kind === "Policy"
        ? { ...(contentMode ? { contentMode } : {}) }
        : { ...(credential ? { secret: credential.secret, key: credential.key } : {}) };
  return record(
    o,
    "created",
    "",
    o.createdAt ?? at,
    actor ? { actor, actorSource: "field-owner" } : { actorSource: "unknown" },
    detail,
  );
}

/** A delete writes no managedFields: who deleted is for the API server's audit log to say. */
const deleted = (o: KnownObject | ObservedObject, when: string) =>
  record(o, "deleted", "", when, { actorSource: "unknown" });

function disabledChange(prev: AuditState, o: ObservedObject, at: string): AuditRecord[] {
  if (prev.disabled === undefined || o.state.disabled === undefined) return [];
  if (prev.disabled === o.state.disabled) return [];
  const who = actorFor(o, ["spec", "disabled"]);
  const action = o.state.disabled ? "disabled" : "enabled";
  return [record(o, action, generationMarker(o), who.actor?.time ?? at, who)];
}

function rotation(prev: AuditState, o: ObservedObject): AuditRecord[] {
  const at = o.state.rotatedAt;
  if (at === undefined || at === prev.rotatedAt) return [];
  // The rotation time is the marker: a rotation is one write of the Secret by the operator.
  const who: { actor: Actor | undefined; actorSource: ActorSource } = o.rotationRequested
    ? { actor: writerOf(o.writers, ["spec", "rotation", "requestedAt"]), actorSource: "field-owner" }
    : { actor: { manager: FIELD_MANAGER, operation: "Schedule", time: at }, actorSource: "operator" };
  if (!who.actor) who.actorSource = "unknown";
  return [record(o, "rotated", at, at, who)];
}

function contentModeChange(prev: AuditState, o: ObservedObject, at: string): AuditRecord[] {
  const from = prev.contentMode;
  const to = o.state.contentMode;
  if (!from || !to || from === to) return [];
  const who = actorFor(o, ["spec", "content", "mode"], ["spec", "content"]);
  return [record(o, "content_mode_changed", generationMarker(o), who.actor?.time ?? at, who, { from, to })];
}

function credentialChange(prev: AuditState, o: ObservedObject, at: string): AuditRecord[] {
  const before = prev.credential;
  const now = o.state.credential;
  const names: AuditDetail = now ? { secret: now.secret, key: now.key } : {};
  if (before?.secret !== now?.secret || before?.key !== now?.key) {
    const who = actorFor(o, ["spec", "credentials", "secretKeyRef"], ["spec", "credentials"]);
    const moved: AuditDetail = before ? { previousSecret: before.secret, previousKey: before.key } : {};
    return [
      record(o, "credential_changed", generationMarker(o), who.actor?.time ?? at, who, {
        ...names,
        ...moved,
      }),
    ];
  }
  // The same Secret and key, a different value. Not known before (a restart), or gone now (the
  // ProviderKey's Ready condition says so): nothing to compare, nothing recorded.
  const seen = o.state.credentialSeen;
  if (!now || !o.secret || prev.credentialSeen === undefined || seen === undefined || seen === MISSING)
    return [];
  if (seen === prev.credentialSeen) return [];
  const actor =
    writerOf(o.secret.writers, ["data", now.key]) ?? writerOf(o.secret.writers, ["stringData", now.key]);
  const who = actor ? { actor, actorSource: "field-owner" as const } : { actorSource: "unknown" as const };
  return [
    record(o, "credential_changed", `secret:${o.secret.resourceVersion}`, actor?.time ?? at, who, names),
  ];
}

/**
 * What changed between the last look at an object and this one; `at` stands for "now" where the
 * object tells no better time. Level-based: two flips between looks are no change.
 *
 * An object seen for the first time was created, unless the operator already wrote its status:
 * then an earlier operator saw it (and recorded it, with a database); this one takes it as it is.
 */
export function detectChanges(
  prev: KnownObject | undefined,
  now: ObservedObject | undefined,
  at: string,
): AuditRecord[] {
  if (!now) return prev && !prev.deleted ? [deleted(prev, at)] : [];
  if (prev?.deleted) return [];
  if (now.deletingAt)
    return [...(prev || now.reconciled ? [] : [created(now, at)]), deleted(now, now.deletingAt)];
  if (!prev) return now.reconciled ? [] : [created(now, at)];
  return [
    ...disabledChange(prev.state, now, at),
    ...rotation(prev.state, now),
    ...contentModeChange(prev.state, now, at),
    ...credentialChange(prev.state, now, at),
  ];
}

/** What to remember after this look: a fingerprint not read this time is kept for the same reference. */
export function nextKnown(prev: KnownObject | undefined, now: ObservedObject): KnownObject {
  const { kind, namespace, name, uid } = now;
  const sameRef =
    prev?.state.credential?.secret === now.state.credential?.secret &&
    prev?.state.credential?.key === now.state.credential?.key;
  const seen = now.state.credentialSeen ?? (sameRef ? prev?.state.credentialSeen : undefined);
  const state: AuditState = { ...now.state };
  if (seen === undefined) delete state.credentialSeen;
  else state.credentialSeen = seen;
  return {
    kind,
    namespace,
    name,
    uid,
    state,
    deleted: (prev?.deleted ?? false) || now.deletingAt !== undefined,
  };
}
