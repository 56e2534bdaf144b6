import type { z } from "zod";
import { API_VERSION, GROUP } from "../../common/names.js";
import { type Policy, policySchema } from "../../common/schemas/policy.js";
import { type ProviderKey, providerKeySchema } from "../../common/schemas/provider-key.js";
import { type RelayKey, relayKeySchema } from "../../common/schemas/relay-key.js";
import { StandaloneConfigError } from "./config-error.js";
import type { ConfigProblem } from "./config-problem.js";
import type { ConfigDocument } from "./read-config-dir.js";
import { namespaceObjectSchema, secretObjectSchema, secretValues } from "./secret-object.js";

export const DEFAULT_NAMESPACE = "default";

/** Everything a config directory declares that the compiler reads, validated. */
export interface ConfigObjects {
  providerKeys: ProviderKey[];
  policies: Policy[];
  relayKeys: RelayKey[];
  /** `namespace/name` → data key → plaintext. Never logged. */
  secrets: Map<string, Map<string, string>>;
  /** Labels of the Namespaces the directory declares; others are implicit and unlabelled. */
  namespaceLabels: Map<string, Record<string, string>>;
  /** Documents of other kinds (a Deployment in the same folder, say): left alone. */
  ignored: number;
  /** `Kind/namespace/name` → the document that declares it, so later problems can name it. */
  sources: Map<string, Pick<ConfigDocument, "file" | "document">>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/**
 * Fills what the API server would: the default namespace, and a uid and generation that
 * the compiler and status keys expect. The uid is derived from the identity so that a
 * reload of the same files compiles to the same config.
 */
export function withServerDefaults(kind: string, object: Record<string, unknown>): Record<string, unknown> {
  if (!isRecord(object.metadata)) return object;
  const namespace = text(object.metadata.namespace) ?? DEFAULT_NAMESPACE;
  const name = text(object.metadata.name) ?? "";
  return {
    ...object,
    metadata: {
      ...object.metadata,
      namespace,
      uid: object.metadata.uid ?? `standalone:${kind}/${namespace}/${name}`,
      ...(kind === "Namespace" ? {} : { generation: object.metadata.generation ?? 1 }),
    },
  };
}

type ObjectRef = NonNullable<ConfigProblem["object"]>;

/** Which object a document declares, as far as it says, for messages. */
function objectRef(kind: string, object: Record<string, unknown>): ObjectRef {
  const meta = isRecord(object.metadata) ? object.metadata : {};
  const name = text(meta.name) ?? "(no name)";
  return kind === "Namespace"
    ? { kind, name }
    : { kind, namespace: text(meta.namespace) ?? DEFAULT_NAMESPACE, name };
}

/** `spec.routes[0].model`, as the compiler's own problems and kubectl's errors spell a field. */
function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : `${i > 0 ? "." : ""}${String(k)}`)).join("");
}

/** One problem per schema issue, each naming its field. */
function issuesOf(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.map((i) => ({
    field: fieldPath(i.path),
    message: i.message,
  }));
}

const customSchemas = { ProviderKey: providerKeySchema, Policy: policySchema, RelayKey: relayKeySchema };
type CustomKind = keyof typeof customSchemas;
const isCustomKind = (kind: string): kind is CustomKind => Object.hasOwn(customSchemas, kind);

const GENERATED_KEY_REFUSED =
  "standalone mode has no operator to generate and write a key, so use spec.secretRef to a Secret in the config directory";

type Source = Pick<ConfigDocument, "file" | "document">;

/** Accumulates objects and every problem, so one load reports all of them at once. */
class Collector {
  readonly out: ConfigObjects = {
    providerKeys: [],
    policies: [],
    relayKeys: [],
    secrets: new Map(),
    namespaceLabels: new Map(),
    ignored: 0,
    sources: new Map(),
  };
  readonly problems: ConfigProblem[] = [];

  add(doc: ConfigDocument): void {
    const { object: raw } = doc;
    const source: Source = {
      file: doc.file,
      ...(doc.document === undefined ? {} : { document: doc.document }),
    };
    if (!isRecord(raw) || typeof raw.apiVersion !== "string" || typeof raw.kind !== "string") {
      const message = "not a Kubernetes object (a mapping with apiVersion and kind)";
      this.problems.push({ ...source, reason: "NotAnObject", message });
      return;
    }
    const { apiVersion, kind } = raw;
    const object = withServerDefaults(kind, raw);
    const ref = objectRef(kind, object);
    if (apiVersion === API_VERSION && isCustomKind(kind)) this.addCustom(source, ref, kind, object);
    else if (apiVersion === "v1" && (kind === "Secret" || kind === "Namespace")) {
      this.addCore(source, ref, kind, object);
    } else if (apiVersion.startsWith(`${GROUP}/`)) {
      // Our group but not a kind and version we know: a typo that would otherwise vanish silently.
      const message = `unknown kind or apiVersion "${apiVersion}" (want ${API_VERSION})`;
      this.problems.push({ ...source, object: ref, reason: "UnknownKind", message });
    } else this.out.ignored++;
  }

  private problem(source: Source, object: ObjectRef, reason: string, message: string, field?: string) {
    this.problems.push({ ...source, object, ...(field === undefined ? {} : { field }), reason, message });
  }

  private invalid(source: Source, ref: ObjectRef, error: z.ZodError): void {
    for (const i of issuesOf(error)) this.problem(source, ref, "InvalidField", i.message, i.field);
  }

  private firstSight(source: Source, ref: ObjectRef): boolean {
    const id = `${ref.kind}/${ref.namespace ?? ""}/${ref.name}`;
    const earlier = this.out.sources.get(id);
    if (earlier !== undefined) {
      const where =
        earlier.document === undefined ? earlier.file : `${earlier.file} (document ${earlier.document})`;
      this.problem(source, ref, "Duplicate", `also defined in ${where}`);
      return false;
    }
    this.out.sources.set(id, source);
    return true;
  }

  private addCustom(source: Source, ref: ObjectRef, kind: CustomKind, object: unknown): void {
    const parsed = customSchemas[kind].safeParse(object);
    if (!parsed.success) {
      this.invalid(source, ref, parsed.error);
      return;
    }
    if (!this.firstSight(source, ref)) return;
    const value = parsed.data;
    if (value.kind === "ProviderKey") this.out.providerKeys.push(value);
    else if (value.kind === "Policy") this.out.policies.push(value);
    else if (value.spec.secretName !== undefined)
      this.problem(source, ref, "GeneratedKeyRefused", GENERATED_KEY_REFUSED, "spec.secretName");
    else this.out.relayKeys.push(value);
  }

  private addCore(source: Source, ref: ObjectRef, kind: "Secret" | "Namespace", object: unknown): void {
    const schema = kind === "Secret" ? secretObjectSchema : namespaceObjectSchema;
    const parsed = schema.safeParse(object);
    if (!parsed.success) {
      this.invalid(source, ref, parsed.error);
      return;
    }
    if (!this.firstSight(source, ref)) return;
    const value = parsed.data;
    if (value.kind === "Namespace") {
      this.out.namespaceLabels.set(value.metadata.name, value.metadata.labels ?? {});
      return;
    }
    this.out.secrets.set(`${value.metadata.namespace}/${value.metadata.name}`, secretValues(value));
  }
}

/** Validates every document with the resources' own schemas; any problem refuses the whole set. */
export function parseConfigObjects(documents: readonly ConfigDocument[]): ConfigObjects {
  const collector = new Collector();
  for (const doc of documents) collector.add(doc);
  if (collector.problems.length > 0) throw new StandaloneConfigError(collector.problems);
  return collector.out;
}
