import { ApiException, type CustomObjectsApi } from "@kubernetes/client-node";
import { z } from "zod";
import { GROUP, VERSION } from "../common/names.js";

export const RELAY_KEY_PLURAL = "relaykeys";

export interface RelayKeyInfo {
  secretName: string;
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
  spec: z.object({ secretName: z.string().min(1) }),
  status: z
    .object({ conditions: z.array(z.object({ type: z.string(), status: z.string() })).optional() })
    .optional(),
});

export function relayKeyInfo(object: unknown): RelayKeyInfo {
  const parsed = RelayKeyObject.safeParse(object);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join(".") : "(root)";
    throw new RelayKeyLookupError(`invalid RelayKey object at ${where}`, { cause: parsed.error });
  }
  const ready = parsed.data.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
  return { secretName: parsed.data.spec.secretName, ready };
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
