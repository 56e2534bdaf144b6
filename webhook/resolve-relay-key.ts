import { ANNOTATION_RELAY_KEY, RELAY_KEY_SECRET_KEY } from "../common/names.js";
import { KEY_ENV_NAMES, type RelayKeyRef } from "./injected-env.js";
import { type RelayKeyLookup, RelayKeyLookupError } from "./relay-key-lookup.js";
import { withTimeout } from "./with-timeout.js";

/** Below the API server's webhook timeout, so a slow lookup still ends in base URLs rather than no mutation. */
export const DEFAULT_LOOKUP_TIMEOUT_MS = 3_000;

export interface RelayKeyResolution {
  relayKey: RelayKeyRef | undefined;
  /** Shown to whoever created the Pod (kubectl prints admission warnings). */
  warnings: string[];
  /** Why there is no key, from a small fixed set: a metric label and the trigger for a Pod Event. */
  reason?: RelayKeyWarningReason;
  /** For the log only: the underlying failure, when there was one. */
  error?: unknown;
}

export type RelayKeyWarningReason =
  | "RelayKeyNotNamed"
  | "RelayKeyNameInvalid"
  | "PodNamespaceMissing"
  | "RelayKeyNotFound"
  | "RelayKeyNotReady"
  | "RelayKeyLookupFailed";

export interface ResolveRelayKeyInput {
  lookup: RelayKeyLookup;
  namespace: string | undefined;
  /** The value of the Pod's relay-key annotation, if any. */
  name: unknown;
  timeoutMs?: number;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const CONSEQUENCE = `${KEY_ENV_NAMES.join(", ")} not injected`;

/** Decides which Secret the key variables reference; every way of not finding one admits with a warning. */
export async function resolveRelayKey(input: ResolveRelayKeyInput): Promise<RelayKeyResolution> {
  const { lookup, namespace, name } = input;
  const without = (reason: RelayKeyWarningReason, text: string, error?: unknown): RelayKeyResolution => ({
    relayKey: undefined,
    warnings: [`kuberelay: ${text}; ${CONSEQUENCE}`],
    reason,
    ...(error === undefined ? {} : { error }),
  });
  if (name === undefined) return without("RelayKeyNotNamed", `annotation "${ANNOTATION_RELAY_KEY}" not set`);
  if (typeof name !== "string" || name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    return without(
      "RelayKeyNameInvalid",
      `annotation "${ANNOTATION_RELAY_KEY}" is not a valid RelayKey name`,
    );
  }
  if (namespace === undefined)
    return without("PodNamespaceMissing", `Pod has no namespace to look up RelayKey "${name}" in`);
  const ref = `"${namespace}/${name}"`;
  try {
    const ms = input.timeoutMs ?? DEFAULT_LOOKUP_TIMEOUT_MS;
    const timedOut = () => new RelayKeyLookupError(`timed out after ${ms}ms`);
    const info = await withTimeout(lookup.get(namespace, name), ms, timedOut);
    if (info === undefined) return without("RelayKeyNotFound", `RelayKey ${ref} not found`);
    if (!info.ready) return without("RelayKeyNotReady", `RelayKey ${ref} is not Ready`);
    const secretKey = info.secretKey ?? RELAY_KEY_SECRET_KEY;
    return { relayKey: { secretName: info.secretName, secretKey }, warnings: [] };
  } catch (error) {
    const detail = error instanceof RelayKeyLookupError ? error.detail : "lookup failed";
    return without("RelayKeyLookupFailed", `RelayKey ${ref} could not be read (${detail})`, error);
  }
}
