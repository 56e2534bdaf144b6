/**
 * One thing wrong in a config directory, as `kuberelay validate` prints it and the standalone
 * gateway logs it. Names files, objects and fields; never quotes a value, since Secrets live
 * in the same files.
 */
export interface ConfigProblem {
  /** The file's path (the config directory joined with its name), or the directory's own. */
  file: string;
  /** Which document of a file that holds several (1-based). */
  document?: number;
  /** The object at fault, as far as the document says. */
  object?: { kind: string; namespace?: string; name: string };
  /** The field at fault, e.g. `spec.routes[1].targets[0].providerKeyRef`. */
  field?: string;
  /** CamelCase, from a fixed set: a condition reason or a load step's own. */
  reason: string;
  message: string;
}

/** Where a problem is: `file (document n)`. */
export function problemSource(p: Pick<ConfigProblem, "file" | "document">): string {
  return p.document === undefined ? p.file : `${p.file} (document ${p.document})`;
}

/** `Kind namespace/name`, or `Namespace name` for the cluster-scoped kind. */
export function objectLabel(o: NonNullable<ConfigProblem["object"]>): string {
  return o.namespace === undefined ? `${o.kind} ${o.name}` : `${o.kind} ${o.namespace}/${o.name}`;
}

/** One line: `file: Kind namespace/name: field: message`. */
export function formatProblem(p: ConfigProblem): string {
  return [problemSource(p), p.object && objectLabel(p.object), p.field, p.message].filter(Boolean).join(": ");
}

const KNOWN_KINDS = new Set(["ProviderKey", "Policy", "RelayKey", "Secret", "Namespace"]);

/** A metric label: a kind this gateway reads, "File" for a whole file, or "Other". */
export function problemKind(p: ConfigProblem): string {
  if (!p.object) return "File";
  return KNOWN_KINDS.has(p.object.kind) ? p.object.kind : "Other";
}
