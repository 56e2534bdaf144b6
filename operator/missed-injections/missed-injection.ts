import type { V1Pod } from "@kubernetes/client-node";
import { selectInjection } from "../../common/injection/selection.js";
import { ANNOTATION_INJECTED } from "../../common/names.js";

/** Where the webhook never injects: the same scope the webhook itself is given. */
export interface InjectionScope {
  /** The kuberelay namespace (operator, webhook and gateway run there). */
  ownNamespace: string;
  /** The chart's webhook.excludeNamespaces: the API server never calls the webhook there. */
  excludedNamespaces: ReadonlySet<string>;
}

/** A Pod that asked for injection and did not get it. Names only: a Pod's env is never read. */
export interface MissedPod {
  namespace: string;
  name: string;
  uid: string;
  /** What asked for injection: the Pod's annotation or its namespace's label. */
  by: "annotation" | "namespace";
  /** The Pod's creationTimestamp (RFC 3339), when it has one. */
  createdAt?: string;
}

const FINISHED_PHASES = new Set(["Succeeded", "Failed"]);

/**
 * A Pod missed its injection when it asks for one (common/injection/selection.ts, the webhook's
 * own rule) but lacks the marker annotation the webhook writes on every Pod it selects, even one
 * it had nothing to add to. Without the marker the webhook never saw the Pod: it was admitted
 * while the webhook was unreachable (failurePolicy Ignore), or before its namespace was labelled.
 * Finished and terminating Pods are left alone: restarting them is no longer anyone's concern.
 */
export function missedInjection(
  pod: V1Pod,
  namespaceLabels: Readonly<Record<string, string>> | undefined,
  scope: InjectionScope,
): MissedPod | undefined {
  const { metadata } = pod;
  const { namespace, name, uid } = metadata ?? {};
  if (namespace === undefined || name === undefined || uid === undefined) return undefined;
  if (metadata?.deletionTimestamp !== undefined || FINISHED_PHASES.has(pod.status?.phase ?? ""))
    return undefined;
  const annotations = metadata?.annotations ?? {};
  if (annotations[ANNOTATION_INJECTED] !== undefined) return undefined;
  const selection = selectInjection({ namespace, annotations, ...scope }, namespaceLabels);
  if (!selection.inject) return undefined;
  const created = metadata?.creationTimestamp;
  return { namespace, name, uid, by: selection.by, ...(created ? { createdAt: toRfc3339(created) } : {}) };
}

/** The client library turns timestamps into Dates; a raw object may still carry the string. */
function toRfc3339(value: Date | string): string {
  return value instanceof Date ? value.toISOString() : value;
}
