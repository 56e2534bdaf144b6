import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type V1Namespace,
} from "@kubernetes/client-node";
import { type RunningInformer, startInformer } from "../common/kube/informer.js";
import type { Logger } from "../common/log.js";
import { GROUP, VERSION } from "../common/names.js";
import { RELAY_KEY_PLURAL } from "./relay-key-lookup.js";

export interface LookupCaches {
  relayKeys: RunningInformer<KubernetesObject>;
  namespaces: RunningInformer<V1Namespace>;
  stop(): Promise<void>;
}

/**
 * Watches every RelayKey and Namespace, so that admissions read them from memory: at tens of Pods per
 * second a GET per admission would put the API server's latency into every Pod creation. Until the
 * first list (and for anything the caches do not hold) the lookups fall back to a GET.
 */
export function startLookupCaches(kc: KubeConfig, log: Logger): LookupCaches {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  const ignore = () => {};
  const relayKeys = startInformer<KubernetesObject>(kc, {
    path: `/apis/${GROUP}/${VERSION}/${RELAY_KEY_PLURAL}`,
    list: async () =>
      (await custom.listClusterCustomObject({
        group: GROUP,
        version: VERSION,
        plural: RELAY_KEY_PLURAL,
      })) as KubernetesListObject<KubernetesObject>,
    log,
    onChange: ignore,
  });
  const namespaces = startInformer<V1Namespace>(kc, {
    path: "/api/v1/namespaces",
    list: () => core.listNamespace(),
    log,
    onChange: ignore,
  });
  return {
    relayKeys,
    namespaces,
    stop: async () => {
      await Promise.all([relayKeys.stop(), namespaces.stop()]);
    },
  };
}
