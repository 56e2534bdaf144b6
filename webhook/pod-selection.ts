import { ANNOTATION_INJECT } from "../common/names.js";
import { podAnnotations } from "./mutate-pod.js";
import type { NamespaceLookup } from "./namespace-lookup.js";
import { ANNOTATION_MIRROR, LABEL_INJECT, LABEL_INJECT_ENABLED } from "./selectors.js";
import { withTimeout } from "./with-timeout.js";

/** Well below the API server's webhook timeout, which the RelayKey lookup must still fit into. */
export const DEFAULT_NAMESPACE_LOOKUP_TIMEOUT_MS = 1_500;

export interface SelectPodInput {
  pod: unknown;
  namespace: string | undefined;
  /** The webhook's own namespace: Pods there (the gateway, the webhook itself) are never injected. */
  ownNamespace: string;
  namespaces: NamespaceLookup;
  timeoutMs?: number;
}

export type PodSelection =
  | { inject: true; by: "annotation" | "namespace" }
  | { inject: false; skipped: string; warning?: string; error?: unknown };

const PROTECTED_NAMESPACES = new Set(["kube-system"]);

/**
 * Decides whether a Pod gets the env: its annotation wins either way; without one, its namespace's label
 * decides. Mirror Pods, kube-system and the webhook's own namespace are never touched, whatever they say,
 * so that a misconfigured selector cannot break the control plane or the gateway itself.
 */
export async function selectPod(input: SelectPodInput): Promise<PodSelection> {
  const { namespace } = input;
  const annotations = podAnnotations(input.pod) ?? {};
  if (annotations[ANNOTATION_MIRROR] !== undefined) return { inject: false, skipped: "mirror pod" };
  if (namespace === undefined) return { inject: false, skipped: "no namespace" };
  if (PROTECTED_NAMESPACES.has(namespace) || namespace === input.ownNamespace) {
    return { inject: false, skipped: `namespace ${namespace} is excluded` };
  }
  const annotation = annotations[ANNOTATION_INJECT];
  if (annotation === "true") return { inject: true, by: "annotation" };
  if (annotation === "false") return { inject: false, skipped: "opted out" };
  return namespaceSelection(input, namespace);
}

async function namespaceSelection(input: SelectPodInput, namespace: string): Promise<PodSelection> {
  const ms = input.timeoutMs ?? DEFAULT_NAMESPACE_LOOKUP_TIMEOUT_MS;
  let labels: Record<string, string>;
  try {
    labels = await withTimeout(
      input.namespaces.labels(namespace),
      ms,
      () => new Error(`timed out after ${ms}ms`),
    );
  } catch (error) {
    return {
      inject: false,
      skipped: "namespace lookup failed",
      warning: `kuberelay: Namespace "${namespace}" could not be read; Pod admitted without injection`,
      error,
    };
  }
  return labels[LABEL_INJECT] === LABEL_INJECT_ENABLED
    ? { inject: true, by: "namespace" }
    : { inject: false, skipped: "not selected" };
}
