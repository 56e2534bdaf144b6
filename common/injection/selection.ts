import { ANNOTATION_INJECT, ANNOTATION_MIRROR, LABEL_INJECT, LABEL_INJECT_ENABLED } from "../names.js";

/**
 * Which Pods ask for injection: one pure rule shared by the webhook (which injects them) and the
 * operator (which reports those the webhook missed), so the two can never disagree.
 */
export type InjectionSelection =
  | { inject: true; by: "annotation" | "namespace" }
  | { inject: false; skipped: string };

export interface InjectionSubject {
  namespace: string | undefined;
  annotations: Readonly<Record<string, unknown>>;
  /** The kuberelay namespace: Pods there (the gateway, the webhook itself) are never injected. */
  ownNamespace: string;
  /** Namespaces the admission webhook is never called for, besides kube-system and ownNamespace. */
  excludedNamespaces?: ReadonlySet<string>;
}

const PROTECTED_NAMESPACES = new Set(["kube-system"]);

/**
 * Decides from the Pod alone, or answers "namespace" when its namespace's labels must decide. The
 * annotation wins either way; mirror Pods, kube-system and the kuberelay namespace are never touched,
 * whatever they say, so that a misconfigured selector cannot break the control plane or the gateway.
 */
export function selectByPod(subject: InjectionSubject): InjectionSelection | "namespace" {
  const { namespace, annotations } = subject;
  if (annotations[ANNOTATION_MIRROR] !== undefined) return { inject: false, skipped: "mirror pod" };
  if (namespace === undefined) return { inject: false, skipped: "no namespace" };
  if (
    PROTECTED_NAMESPACES.has(namespace) ||
    namespace === subject.ownNamespace ||
    subject.excludedNamespaces?.has(namespace)
  ) {
    return { inject: false, skipped: `namespace ${namespace} is excluded` };
  }
  const annotation = annotations[ANNOTATION_INJECT];
  if (annotation === "true") return { inject: true, by: "annotation" };
  if (annotation === "false") return { inject: false, skipped: "opted out" };
  return "namespace";
}

/** The second step, for a Pod without the annotation: its namespace's label. */
export function selectByNamespaceLabels(labels: Readonly<Record<string, string>>): InjectionSelection {
  return labels[LABEL_INJECT] === LABEL_INJECT_ENABLED
    ? { inject: true, by: "namespace" }
    : { inject: false, skipped: "not selected" };
}

/** Both steps, for a caller that already holds the namespace's labels (undefined: unknown namespace). */
export function selectInjection(
  subject: InjectionSubject,
  namespaceLabels: Readonly<Record<string, string>> | undefined,
): InjectionSelection {
  const byPod = selectByPod(subject);
  return byPod === "namespace" ? selectByNamespaceLabels(namespaceLabels ?? {}) : byPod;
}
