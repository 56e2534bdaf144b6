import { CoreV1Api, type KubeConfig, type V1Secret } from "@kubernetes/client-node";
import { decodeConfig } from "../common/config/config-codec.js";
import { configBytesFromSecret, ShardMismatchError } from "../common/config/config-shards.js";
import type { KeyEncryptionKey, KeySource } from "../common/crypto/envelope.js";
import { isNotFound } from "../common/kube/api-error.js";
import { type RunningInformer, startInformer } from "../common/kube/informer.js";
import type { Logger } from "../common/log.js";
import type { GatewayMetrics } from "./metrics.js";
import { buildSnapshot, type SnapshotHolder } from "./snapshot.js";

const SHARD_RETRY_MS = 1000;

export interface ConfigSourceOptions {
  namespace: string;
  secretName: string;
}

/**
 * Watches exactly one Secret (list+watch by name, which is all the gateway's RBAC allows),
 * GETs the shard Secrets its manifest names when the config is sharded, and swaps in each new config whole. A config that fails to decode, validate or decrypt is
 * refused and the last good one keeps serving. If the API server goes away, the current
 * snapshot stays.
 */
const CONFIG_WATCH_MAX_BACKOFF_MS = 4_000;

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
  const readSecret = async (name: string) => {
    try {
      return await core.readNamespacedSecret({ name, namespace: opts.namespace });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
  const readShard = async (name: string) => (await readSecret(name))?.data;
  let retry: NodeJS.Timeout | undefined;
  const load = async (secret: V1Secret) => {
    const rv = secret.metadata?.resourceVersion ?? "";
    if (rv === applied) return;
    const started = performance.now();
    try {
      const bytes = await configBytesFromSecret(secret.data, readShard);
      if (!bytes) return;
      const config = decodeConfig(bytes);
      const snapshot = await buildSnapshot(config, kek, rv);
      snapshots.swap(snapshot);
      applied = rv;
      metrics.configReloads.inc({ outcome: "applied" });
      metrics.configKeys.set(snapshot.keys.size);
      metrics.configAppliedAt.setToCurrentTime();
      log.info("config applied", {
        generation: rv,
        keys: snapshot.keys.size,
        bytes: bytes.length,
        loadMs: Math.round(performance.now() - started),
      });
      const unreadable = Object.keys(config.policies).filter((name) => config.policies[name]?.unreadable);
      if (unreadable.length > 0) {
        // A newer operator wrote fields this gateway does not know: upgrade the gateways.
        log.warn("Policies this gateway cannot read; their requests get 503", {
          generation: rv,
          count: unreadable.length,
          policies: unreadable.slice(0, 20),
        });
      }
    } catch (err) {
      if (err instanceof ShardMismatchError) {
        // A newer generation is being written over these shards; its manifest follows, but
        // read again in case that write never comes (the operator crashed in between).
        log.warn("config shards changed while loading; reading again", { generation: rv });
        clearTimeout(retry);
        retry = setTimeout(() => {
          chain = chain.then(async () => {
            const latest = await readSecret(opts.secretName).catch(() => undefined);
            if (latest) await load(latest);
          });
        }, SHARD_RETRY_MS);
        return;
      }
      metrics.configReloads.inc({ outcome: "refused" });
      log.error("config refused; keeping the last good config", { generation: rv, error: err });
    }
  };
  const informer = startInformer<V1Secret>(kc, {
    path: `/api/v1/namespaces/${opts.namespace}/secrets`,
    list: () => core.listNamespacedSecret({ namespace: opts.namespace, fieldSelector }),
    fieldSelector,
    log,
    // One Secret per gateway is cheap to list; after an API server outage a revocation must
    // not wait behind a 30 s backoff that grew while the server was still starting.
    maxBackoffMs: CONFIG_WATCH_MAX_BACKOFF_MS,
    onChange: (secret) => {
      // Deleting the Secret does not unload the config: a gateway keeps serving what it has.
      if (secret.metadata?.deletionTimestamp) return;
      chain = chain.then(() => load(secret));
    },
  });
  return {
    ...informer,
    async stop() {
      clearTimeout(retry);
      await informer.stop();
    },
  };
}
