import type { V1ManagedFieldsEntry } from "@kubernetes/client-node";

/**
 * Who last wrote a field, from `metadata.managedFields`. What this can tell: the field manager
 * (a client's chosen name: "kubectl-client-side-apply", "kubectl-patch", "argocd-controller",
 * "helm"), whether it applied or updated, and when. What it cannot: the user or ServiceAccount
 * that sent the request (two people running kubectl share a manager name, and any client may
 * call itself anything), nor who deleted an object (a delete writes no managedFields). The API
 * server's audit log has the user; see /work/notes/readme-audit.md.
 */

/** A field, as the path of its keys from the object's root: ["spec", "disabled"]. */
export type FieldPath = readonly string[];

export interface Actor {
  manager: string;
  /** Apply (server-side apply) or Update (create, update, patch, client-side apply). */
  operation: string;
  /** When this manager's entry last changed, RFC 3339; absent when the entry says none. */
  time?: string;
}

/** Entries kept per object: more managers than this on one audited field is no real cluster. */
const MAX_ENTRIES = 16;
/** Field manager names are at most 128 characters (the API server's own limit). */
const MAX_MANAGER = 128;

type FieldsNode = Record<string, unknown>;

const isNode = (v: unknown): v is FieldsNode => typeof v === "object" && v !== null && !Array.isArray(v);

function instant(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value !== "string") return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The node at `path` in a fieldsV1 tree, walking only the keys asked for. */
function nodeAt(fields: unknown, path: FieldPath): FieldsNode | undefined {
  let node: unknown = fields;
  for (const key of path) {
    if (!isNode(node)) return undefined;
    node = Object.hasOwn(node, `f:${key}`) ? node[`f:${key}`] : undefined;
  }
  return isNode(node) ? node : undefined;
}

/** Only the audited paths of a fieldsV1 tree, or undefined when it owns none of them. */
function pruneFields(fields: unknown, paths: readonly FieldPath[]): FieldsNode | undefined {
  let out: FieldsNode | undefined;
  for (const path of paths) {
    if (!nodeAt(fields, path)) continue;
    out ??= {};
    let at = out;
    for (const key of path) {
      const next = at[`f:${key}`];
      const child: FieldsNode = isNode(next) ? next : {};
      at[`f:${key}`] = child;
      at = child;
    }
  }
  return out;
}

/**
 * Reduces managedFields, read raw from any object, to the entries that own one of `paths`,
 * each holding only those paths, newest first, at most MAX_ENTRIES. Status writes are left out:
 * a spec field or a Secret's data is never written through a subresource. The work is one walk
 * per entry and path, however large the object's managedFields are.
 */
export function pruneManagedFields(entries: unknown, paths: readonly FieldPath[]): V1ManagedFieldsEntry[] {
  if (!Array.isArray(entries)) return [];
  const kept: Array<{ entry: V1ManagedFieldsEntry; at: number }> = [];
  for (const raw of entries as unknown[]) {
    if (!isNode(raw) || typeof raw.manager !== "string" || raw.subresource) continue;
    const fieldsV1 = pruneFields(raw.fieldsV1, paths);
    if (!fieldsV1) continue;
    const at = instant(raw.time);
    kept.push({
      entry: {
        manager: raw.manager.slice(0, MAX_MANAGER),
        operation: typeof raw.operation === "string" ? raw.operation.slice(0, 16) : "",
        ...(at === undefined ? {} : { time: new Date(at) }),
        fieldsV1,
      },
      at: at ?? Number.NEGATIVE_INFINITY,
    });
  }
  return kept
    .sort((a, b) => b.at - a.at)
    .slice(0, MAX_ENTRIES)
    .map((k) => k.entry);
}

const actorOf = (entry: V1ManagedFieldsEntry): Actor => {
  const at = instant(entry.time);
  return {
    manager: entry.manager ?? "",
    operation: entry.operation ?? "",
    ...(at === undefined ? {} : { time: new Date(at).toISOString() }),
  };
};

/**
 * The manager that owns `path` and wrote last (`newest`), or first (`oldest`: who created it,
 * as far as managedFields still tell), among entries as pruneManagedFields keeps them.
 */
export function writerOf(
  entries: readonly V1ManagedFieldsEntry[] | undefined,
  path: FieldPath,
  pick: "newest" | "oldest" = "newest",
): Actor | undefined {
  let best: { entry: V1ManagedFieldsEntry; at: number } | undefined;
  for (const entry of entries ?? []) {
    if (!nodeAt(entry.fieldsV1, path)) continue;
    const at = instant(entry.time) ?? Number.NEGATIVE_INFINITY;
    const better = !best || (pick === "newest" ? at >= best.at : at < best.at);
    if (better) best = { entry, at };
  }
  return best ? actorOf(best.entry) : undefined;
}
