import type { z } from "zod";
import { API_VERSION, GROUP } from "../../common/names.js";
import { type Policy, policySchema } from "../../common/schemas/policy.js";
import { type ProviderKey, providerKeySchema } from "../../common/schemas/provider-key.js";
import { type RelayKey, relayKeySchema } from "../../common/schemas/relay-key.js";
import { StandaloneConfigError } from "./config-error.js";
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

/** `Kind namespace/name`, as far as the object says, for messages. */
function objectLabel(kind: string, object: Record<string, unknown>): string {
  const meta = isRecord(object.metadata) ? object.metadata : {};
  const name = text(meta.name) ?? "(no name)";
  return kind === "Namespace"
    ? `Namespace ${name}`
    : `${kind} ${text(meta.namespace) ?? DEFAULT_NAMESPACE}/${name}`;
}

function issuesOf(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length > 0 ? i.path.join(".") : "(root)"}: ${i.message}`)
    .join(", ");
}

const customSchemas = { ProviderKey: providerKeySchema, Policy: policySchema, RelayKey: relayKeySchema };
type CustomKind = keyof typeof customSchemas;
const isCustomKind = (kind: string): kind is CustomKind => Object.hasOwn(customSchemas, kind);

const GENERATED_KEY_REFUSED =
  "spec.secretName: standalone mode has no operator to generate and write a key, so use spec.secretRef to a Secret in the config directory";

/** Accumulates objects and every problem, so one load reports all of them at once. */
class Collector {
  readonly out: ConfigObjects = {
    providerKeys: [],
    policies: [],
    relayKeys: [],
    secrets: new Map(),
    namespaceLabels: new Map(),
    ignored: 0,
  };
  readonly problems: string[] = [];
  private readonly seen = new Map<string, string>();

  add(doc: ConfigDocument): void {
    const { source, object: raw } = doc;
    if (!isRecord(raw) || typeof raw.apiVersion !== "string" || typeof raw.kind !== "string") {
      this.problems.push(`${source}: not a Kubernetes object (a mapping with apiVersion and kind)`);
      return;
    }
    const { apiVersion, kind } = raw;
    const object = withServerDefaults(kind, raw);
    const label = objectLabel(kind, object);
    if (apiVersion === API_VERSION && isCustomKind(kind)) this.addCustom(source, label, kind, object);
    else if (apiVersion === "v1" && (kind === "Secret" || kind === "Namespace")) {
      this.addCore(source, label, kind, object);
    } else if (apiVersion.startsWith(`${GROUP}/`)) {
      // Our group but not a kind and version we know: a typo that would otherwise vanish silently.
      this.problems.push(
        `${source}: ${label}: unknown kind or apiVersion "${apiVersion}" (want ${API_VERSION})`,
      );
    } else this.out.ignored++;
  }

  private firstSight(source: string, label: string): boolean {
    const earlier = this.seen.get(label);
    if (earlier !== undefined) {
      this.problems.push(`${source}: ${label} is also defined in ${earlier}`);
      return false;
    }
    this.seen.set(label, source);
    return true;
  }

  private addCustom(source: string, label: string, kind: CustomKind, object: unknown): void {
    const parsed = customSchemas[kind].safeParse(object);
    if (!parsed.success) {
      this.problems.push(`${source}: ${label}: ${issuesOf(parsed.error)}`);
      return;
    }
    if (!this.firstSight(source, label)) return;
    const value = parsed.data;
    if (value.kind === "ProviderKey") this.out.providerKeys.push(value);
    else if (value.kind === "Policy") this.out.policies.push(value);
    else if (value.spec.secretName !== undefined)
      this.problems.push(`${source}: ${label}: ${GENERATED_KEY_REFUSED}`);
    else this.out.relayKeys.push(value);
  }

  private addCore(source: string, label: string, kind: "Secret" | "Namespace", object: unknown): void {
    const schema = kind === "Secret" ? secretObjectSchema : namespaceObjectSchema;
    const parsed = schema.safeParse(object);
    if (!parsed.success) {
      this.problems.push(`${source}: ${label}: ${issuesOf(parsed.error)}`);
      return;
    }
    if (!this.firstSight(source, label)) return;
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
