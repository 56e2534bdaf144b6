import { CoreV1Api, type KubeConfig, type V1Secret } from "@kubernetes/client-node";
import { decodeConfig } from "../common/config/config-codec.js";
import type { KeyEncryptionKey, KeySource } from "../common/crypto/envelope.js";
import { type RunningInformer, startInformer } from "../common/kube/informer.js";
import type { Logger } from "../common/log.js";
import { CONFIG_SECRET_KEY } from "../common/names.js";
import type { GatewayMetrics } from "./metrics.js";
import { buildSnapshot, type SnapshotHolder } from "./snapshot.js";

export interface ConfigSourceOptions {
  namespace: string;
  secretName: string;
}

/**
 * Watches exactly one Secret (list+watch by name, which is all the gateway's RBAC allows),
 * and swaps in each new config whole. A config that fails to decode, validate or decrypt is
 * refused and the last good one keeps serving. If the API server goes away, the current
 * snapshot stays.
 */
export function watchConfigSecret(
  kc: KubeConfig,
  opts: ConfigSourceOptions,
  kek: KeyEncryptionKey | KeySource,
  snapshots: SnapshotHolder,
  metrics: GatewayMetrics,
  log: Logger,
): RunningInformer<V1Secret> {
  const core = kc.makeApiClient(CoreV1Api);
  const fieldSelector = `metadata.name=${opts.secretName}`;
  let applied = "";
  let chain = Promise.resolve();
  const load = async (secret: V1Secret) => {
    const rv = secret.metadata?.resourceVersion ?? "";
    const data = secret.data?.[CONFIG_SECRET_KEY];
    if (!data || rv === applied) return;
    try {
      const config = decodeConfig(Buffer.from(data, "base64"));
      const snapshot = await buildSnapshot(config, kek, rv);
      snapshots.swap(snapshot);
      applied = rv;
      metrics.configReloads.inc({ outcome: "applied" });
      metrics.configKeys.set(snapshot.keys.size);
      metrics.configAppliedAt.setToCurrentTime();
      log.info("config applied", { generation: rv, keys: snapshot.keys.size });
    } catch (err) {
      metrics.configReloads.inc({ outcome: "refused" });
      log.error("config refused; keeping the last good config", { generation: rv, error: err });
    }
  };
  return startInformer<V1Secret>(kc, {
    path: `/api/v1/namespaces/${opts.namespace}/secrets`,
    list: () => core.listNamespacedSecret({ namespace: opts.namespace, fieldSelector }),
    fieldSelector,
    log,
    onChange: (secret) => {
      // Deleting the Secret does not unload the config: a gateway keeps serving what it has.
      if (secret.metadata?.deletionTimestamp) return;
      chain = chain.then(() => load(secret));
    },
  });
}
