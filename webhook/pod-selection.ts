import {
  type InjectionSelection,
  selectByNamespaceLabels,
  selectByPod,
} from "../common/injection/selection.js";
import { podAnnotations } from "./mutate-pod.js";
import type { NamespaceLookup } from "./namespace-lookup.js";
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
  | Extract<InjectionSelection, { inject: true }>
  | { inject: false; skipped: string; warning?: string; error?: unknown };

/**
 * Decides whether a Pod gets the env (the rule is in common/injection/selection.ts); the namespace
 * is only read for a Pod without the annotation, and a failed read admits the Pod with a warning.
 */
export async function selectPod(input: SelectPodInput): Promise<PodSelection> {
  const { namespace } = input;
  const byPod = selectByPod({
    namespace,
    annotations: podAnnotations(input.pod) ?? {},
    ownNamespace: input.ownNamespace,
  });
  if (byPod !== "namespace") return byPod;
  // selectByPod only defers to a namespace it was given; this narrows the type.
  if (namespace === undefined) return { inject: false, skipped: "no namespace" };
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
  return selectByNamespaceLabels(labels);
}
