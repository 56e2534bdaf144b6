import { CoreV1Api, type KubeConfig, type V1Namespace, type V1Pod } from "@kubernetes/client-node";
import { dropManagedFields, type RunningInformer, startInformer } from "../../common/kube/informer.js";
import type { Logger } from "../../common/log.js";
import { MissedInjectionReporter, type MissedInjectionReporterOptions } from "./reporter.js";

/** Finished Pods are never reported; leaving them out of the watch keeps the cache small too. */
export const UNFINISHED_PODS = "status.phase!=Succeeded,status.phase!=Failed";

/**
 * The report reads a Pod's metadata and phase only; dropping the rest (spec, container statuses,
 * managedFields) keeps a cache of every running Pod in the cluster small.
 */
export function trimPod(pod: V1Pod): void {
  dropManagedFields(pod);
  delete pod.spec;
  pod.status = pod.status?.phase === undefined ? {} : { phase: pod.status.phase };
}

export interface MissedInjectionWatch {
  reporter: MissedInjectionReporter;
  /** Resolves once Pods and Namespaces have been listed. */
  synced: Promise<void>;
  stop(): Promise<void>;
}

/** Lists and watches every unfinished Pod and every Namespace, and feeds their changes to a reporter. */
export function watchMissedInjections(
  kc: KubeConfig,
  log: Logger,
  options: Omit<MissedInjectionReporterOptions, "pods" | "namespaces" | "log">,
): MissedInjectionWatch {
  const core = kc.makeApiClient(CoreV1Api);
  let reporter: MissedInjectionReporter | undefined;
  const pods: RunningInformer<V1Pod> = startInformer<V1Pod>(kc, {
    path: "/api/v1/pods",
    list: () => core.listPodForAllNamespaces({ fieldSelector: UNFINISHED_PODS }),
    fieldSelector: UNFINISHED_PODS,
    trim: trimPod,
    log,
    onChange: (pod) => reporter?.podChanged(pod.metadata?.namespace ?? "", pod.metadata?.name ?? ""),
  });
  const namespaces: RunningInformer<V1Namespace> = startInformer<V1Namespace>(kc, {
    path: "/api/v1/namespaces",
    list: () => core.listNamespace(),
    log,
    onChange: (ns) => reporter?.namespaceChanged(ns.metadata?.name ?? ""),
  });
  reporter = new MissedInjectionReporter({
    ...options,
    log,
    pods: { get: (name, namespace) => pods.get(name, namespace), list: (namespace) => pods.list(namespace) },
    namespaces: { get: (name) => namespaces.get(name) },
  });
  return {
    reporter,
    synced: Promise.all([pods.synced, namespaces.synced]).then(() => undefined),
    stop: async () => {
      await Promise.all([pods.stop(), namespaces.stop()]);
    },
  };
}
