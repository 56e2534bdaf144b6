import { ApiException, type CustomObjectsApi } from "@kubernetes/client-node";
import { z } from "zod";
import { GROUP, RELAY_KEY_SECRET_KEY, VERSION } from "../common/names.js";

export const RELAY_KEY_PLURAL = "relaykeys";

export interface RelayKeyInfo {
  /** The Secret holding the key: the generated one (spec.secretName) or spec.secretRef.name. */
  secretName: string;
  /**
   * The data key within it: "key" for generated keys, spec.secretRef.key otherwise. Optional
   * only so that lookups written before secretRef (and test fakes) still fit; absent means "key".
   */
  secretKey?: string;
  ready: boolean;
}

/** How the webhook learns about a RelayKey; injectable so tests and later caches need no API server. */
export interface RelayKeyLookup {
  /** `undefined` when the RelayKey does not exist. */
  get(namespace: string, name: string): Promise<RelayKeyInfo | undefined>;
}

/** Reading a RelayKey failed for a reason other than absence; `detail` is safe to show to the Pod's creator. */
export class RelayKeyLookupError extends Error {
  override readonly name = "RelayKeyLookupError";
  constructor(
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`reading RelayKey failed: ${detail}`, options);
  }
}

/** Only the fields the webhook reads; the operator owns the full schema. */
const RelayKeyObject = z.object({
  spec: z.object({
    secretName: z.string().min(1).optional(),
    secretRef: z.object({ name: z.string().min(1), key: z.string().min(1) }).optional(),
  }),
  status: z
    .object({ conditions: z.array(z.object({ type: z.string(), status: z.string() })).optional() })
    .optional(),
});

/** Where the key lives; undefined when the spec names both places or neither (the CRD forbids both). */
function keySource(spec: z.infer<typeof RelayKeyObject>["spec"]): { name: string; key: string } | undefined {
  if (spec.secretRef && spec.secretName === undefined) return spec.secretRef;
  if (spec.secretName !== undefined && !spec.secretRef) {
    return { name: spec.secretName, key: RELAY_KEY_SECRET_KEY };
  }
  return undefined;
}

export function relayKeyInfo(object: unknown): RelayKeyInfo {
  const parsed = RelayKeyObject.safeParse(object);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join(".") : "(root)";
    throw new RelayKeyLookupError(`invalid RelayKey object at ${where}`, { cause: parsed.error });
  }
  const { spec, status } = parsed.data;
  const source = keySource(spec);
  if (!source) {
    throw new RelayKeyLookupError(
      "invalid RelayKey object at spec: needs exactly one of secretName or secretRef",
    );
  }
  const ready = status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
  return { secretName: source.name, secretKey: source.key, ready };
}

export type CustomObjectGetter = Pick<CustomObjectsApi, "getNamespacedCustomObject">;

export function createKubernetesRelayKeyLookup(api: CustomObjectGetter): RelayKeyLookup {
  return {
    async get(namespace, name) {
      let object: unknown;
      try {
        object = await api.getNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace,
          plural: RELAY_KEY_PLURAL,
          name,
        });
      } catch (error) {
        if (error instanceof ApiException && error.code === 404) return undefined;
        const detail = error instanceof ApiException ? `HTTP ${error.code}` : "API server unreachable";
        throw new RelayKeyLookupError(detail, { cause: error });
      }
      return relayKeyInfo(object);
    },
  };
}
