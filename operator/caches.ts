import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type V1Namespace,
  type V1Secret,
} from "@kubernetes/client-node";
import { type RunningInformer, startInformer } from "../common/kube/informer.js";
import type { Logger } from "../common/log.js";
import { GROUP, LABEL_MANAGED_BY, MANAGED_BY, VERSION } from "../common/names.js";
import { trimToAuditedFields } from "./audit/observed.js";
import { LIST_PAGE_SIZE, listTrimmedPages, trimManagedSecret } from "./managed-secrets.js";

/** Informer caches the operator reconciles from. Custom objects stay raw until validated. */
export interface OperatorCaches {
  relayKeys: RunningInformer<KubernetesObject>;
  policies: RunningInformer<KubernetesObject>;
  providerKeys: RunningInformer<KubernetesObject>;
  /**
   * Secrets the operator wrote (relay keys), selected by label, which anyone can set: trimmed to
   * what the operator reads (managed-secrets.ts), so their size is not the tenants' to choose.
   */
  managedSecrets: RunningInformer<V1Secret>;
  namespaces: RunningInformer<V1Namespace>;
  synced(): Promise<void>;
  stop(): Promise<void>;
}

export type CacheEvent = {
  kind: "RelayKey" | "Policy" | "ProviderKey" | "Secret" | "Namespace";
  obj: KubernetesObject;
};

export const MANAGED_SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY}`;

export function startCaches(kc: KubeConfig, log: Logger, onEvent: (e: CacheEvent) => void): OperatorCaches {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  const customInformer = (kind: "RelayKey" | "Policy" | "ProviderKey", plural: string) =>
    startInformer<KubernetesObject>(kc, {
      path: `/apis/${GROUP}/${VERSION}/${plural}`,
      list: async () =>
        (await custom.listClusterCustomObject({
          group: GROUP,
          version: VERSION,
          plural,
        })) as KubernetesListObject<KubernetesObject>,
      // managedFields only as far as the audit reads them (who wrote the audited fields).
      trim: trimToAuditedFields(kind),
      log,
      onChange: (obj) => onEvent({ kind, obj }),
    });
  const caches = {
    relayKeys: customInformer("RelayKey", "relaykeys"),
    policies: customInformer("Policy", "policies"),
    providerKeys: customInformer("ProviderKey", "providerkeys"),
    managedSecrets: startInformer<V1Secret>(kc, {
      path: "/api/v1/secrets",
      list: () =>
        listTrimmedPages(
          (cont) =>
            core.listSecretForAllNamespaces({
              labelSelector: MANAGED_SELECTOR,
              limit: LIST_PAGE_SIZE,
              ...(cont ? { _continue: cont } : {}),
            }),
          trimManagedSecret,
        ),
      labelSelector: MANAGED_SELECTOR,
      trim: trimManagedSecret,
      log,
      onChange: (obj) => onEvent({ kind: "Secret", obj }),
    }),
    namespaces: startInformer<V1Namespace>(kc, {
      path: "/api/v1/namespaces",
      list: () => core.listNamespace(),
      log,
      onChange: (obj) => onEvent({ kind: "Namespace", obj }),
    }),
  };
  const all = Object.values(caches);
  return {
    ...caches,
    synced: async () => {
      await Promise.all(all.map((c) => c.synced));
    },
    stop: async () => {
      await Promise.all(all.map((c) => c.stop()));
    },
  };
}
