import { CoreV1Api, type KubeConfig, type V1Secret } from "@kubernetes/client-node";
import { type RunningInformer, startInformer } from "../common/kube/informer.js";
import type { Logger } from "../common/log.js";
import { trimToIdentity } from "./managed-secrets.js";

/**
 * One narrow watch per Secret a ProviderKey references (field selector on its name), so a
 * rotated provider credential reaches the gateways at once instead of at the next resync.
 * The operator never caches every Secret in the cluster: it watches only the few it was
 * pointed at, and only to learn that they changed (it keeps their names and versions, never
 * their data); values are still read when compiling.
 */
export class SecretTriggers {
  private readonly watches = new Map<string, RunningInformer<V1Secret>>();
  private readonly core: CoreV1Api;

  constructor(
    private readonly kc: KubeConfig,
    private readonly log: Logger,
    private readonly onChange: () => void,
  ) {
    this.core = kc.makeApiClient(CoreV1Api);
  }

  /** Watches exactly these `namespace/name`s: starts the missing watches, stops the others. */
  async sync(wanted: ReadonlySet<string>): Promise<void> {
    for (const [id, watch] of this.watches) {
      if (wanted.has(id)) continue;
      this.watches.delete(id);
      await watch.stop();
    }
    for (const id of wanted) {
      if (this.watches.has(id)) continue;
      this.watches.set(id, this.watch(id));
    }
  }

  private watch(id: string): RunningInformer<V1Secret> {
    const [namespace = "", name = ""] = id.split("/");
    const fieldSelector = `metadata.name=${name}`;
    // Every event triggers a compile, the first list's included: one extra compile per new
    // watch is cheap, and a relist after a lost watch may stand for a missed change.
    return startInformer<V1Secret>(this.kc, {
      path: `/api/v1/namespaces/${namespace}/secrets`,
      list: () => this.core.listNamespacedSecret({ namespace, fieldSelector }),
      fieldSelector,
      trim: trimToIdentity,
      log: this.log,
      onChange: () => this.onChange(),
    });
  }

  get size(): number {
    return this.watches.size;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.watches.values()].map((w) => w.stop()));
    this.watches.clear();
  }
}
