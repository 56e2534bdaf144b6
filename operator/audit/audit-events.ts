import { createHash } from "node:crypto";
import { isConflict } from "../../common/kube/api-error.js";
import { type EventSink, eventBody, type OperatorEvent } from "../events.js";
import type { AuditAction, AuditRecord } from "./audit-record.js";

const REASONS: Record<AuditAction, string> = {
  created: "Created",
  rotated: "Rotated",
  disabled: "Disabled",
  enabled: "Enabled",
  deleted: "Deleted",
  credential_changed: "CredentialChanged",
  content_mode_changed: "ContentModeChanged",
};

function who(r: AuditRecord): string {
  const a = r.actor;
  if (!a)
    return r.action === "deleted"
      ? "by an unknown actor (see the API server's audit log)"
      : "by an unknown actor";
  const how = [a.operation, a.time && `at ${a.time}`].filter(Boolean).join(" ");
  const guess = r.actorSource === "spec-writer" ? ", the latest writer of its spec" : "";
  return `by field manager "${a.manager}"${how ? ` (${how}${guess})` : guess ? ` (${guess.slice(2)})` : ""}`;
}

function what(r: AuditRecord): string {
  const d = r.detail;
  switch (r.action) {
    case "created":
      return "created";
    case "deleted":
      return "deleted";
    case "disabled":
      return "disabled";
    case "enabled":
      return "enabled again";
    case "rotated":
      return r.actorSource === "operator" ? "rotated on its schedule" : "rotated on request";
    case "content_mode_changed":
      return `content mode changed from ${d.from} to ${d.to}`;
    case "credential_changed":
      if (d.previousSecret !== undefined) {
        const to = d.secret === undefined ? "ambient credentials" : `Secret "${d.secret}" key "${d.key}"`;
        return `credential now read from ${to} instead of Secret "${d.previousSecret}" key "${d.previousKey}"`;
      }
      if (d.secret === undefined) return "credential reference set";
      return `credential in Secret "${d.secret}" key "${d.key}" changed`;
  }
}

/** The Event for a change: reason `<Kind><Change>`, e.g. RelayKeyDisabled; names and the actor only. */
export function auditEvent(r: AuditRecord): OperatorEvent {
  return {
    type: "Normal",
    reason: `${r.kind}${REASONS[r.action]}`,
    action: "Audit",
    note: `${r.kind} ${r.namespace}/${r.name} ${what(r)} ${who(r)}`,
  };
}

/**
 * The Event's name follows from the change (uid, action, marker): a change recorded again, after a
 * restart or by the next leader, is refused as AlreadyExists instead of showing twice (for as
 * long as the API server keeps Events, an hour by default).
 */
export function auditEventName(r: AuditRecord): string {
  const digest = createHash("sha256").update(`${r.uid}\n${r.action}\n${r.marker}`).digest("hex").slice(0, 16);
  return `${r.name.slice(0, 200)}.audit-${digest}`;
}

/** Writes the Event; "exists" when this change's Event is already there. Other errors throw. */
export async function writeAuditEvent(
  sink: EventSink,
  r: AuditRecord,
  instance: string,
  now = new Date(),
): Promise<"written" | "exists"> {
  const body = eventBody(
    r.kind,
    { metadata: { name: r.name, namespace: r.namespace, uid: r.uid } },
    auditEvent(r),
    instance,
    now,
  );
  body.metadata = { ...body.metadata, name: auditEventName(r) };
  try {
    await sink(r.namespace, body);
    return "written";
  } catch (err) {
    if (isConflict(err)) return "exists";
    throw err;
  }
}
