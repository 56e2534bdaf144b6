import {
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  ListWatch,
  Watch,
} from "@kubernetes/client-node";
import type { Logger } from "../log.js";
import { apiErrorMessage } from "./api-error.js";

export interface InformerOptions<T extends KubernetesObject> {
  /** Watch path, e.g. `/api/v1/namespaces/ns/secrets`. */
  path: string;
  list: () => Promise<KubernetesListObject<T>>;
  labelSelector?: string;
  fieldSelector?: string;
  log: Logger;
  onChange: (obj: T) => void;
  /**
   * Trims an object, in place, before anyone reads it from the cache (client-go's SetTransform):
   * the cache then holds only what its readers need. Defaults to dropping
   * `metadata.managedFields`, which nothing here reads and which is often the largest part of a
   * small object.
   */
  trim?: (obj: T) => void;
  /** The longest wait between restarts after failures; default 30 s, as client-go's. */
  maxBackoffMs?: number;
}

export interface RunningInformer<T extends KubernetesObject> {
  list(namespace?: string): T[];
  get(name: string, namespace?: string): T | undefined;
  /** Resolves after the first successful list. */
  synced: Promise<void>;
  stop(): Promise<void>;
}

const DEFAULT_MAX_BACKOFF_MS = 30_000;

export function dropManagedFields(obj: KubernetesObject): void {
  if (obj.metadata) delete obj.metadata.managedFields;
}

/**
 * A list+watch cache that never gives up: the client library stops on any error other than
 * 410 Gone, so this restarts it with capped exponential backoff (API server restarts,
 * network loss). 410 Gone is handled inside the library by a fresh list.
 */
export function startInformer<T extends KubernetesObject>(
  kc: KubeConfig,
  opts: InformerOptions<T>,
): RunningInformer<T> {
  let backoff = 500;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let markSynced: () => void = () => {};
  const synced = new Promise<void>((resolve) => {
    markSynced = resolve;
  });
  const trim = opts.trim ?? dropManagedFields;
  const list = async () => {
    const result = await opts.list();
    for (const item of result.items) trim(item);
    backoff = 500;
    markSynced();
    return result;
  };
  const lw = new ListWatch<T>(opts.path, new Watch(kc), list, false, opts.labelSelector, opts.fieldSelector);
  // The cache stores a watched object before it calls back, so trimming here trims what it keeps.
  const changed = (obj: T) => {
    trim(obj);
    opts.onChange(obj);
  };
  lw.on("add", changed);
  lw.on("update", changed);
  lw.on("delete", changed);
  const restart = (err: unknown) => {
    if (stopped) return;
    opts.log.warn("watch failed; restarting", {
      path: opts.path,
      error: apiErrorMessage(err),
      retryInMs: backoff,
    });
    timer = setTimeout(run, backoff);
    backoff = Math.min(backoff * 2, opts.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS);
  };
  // A failed watch request rejects start() instead of reaching the error callback.
  const run = () => {
    if (!stopped) lw.start().catch(restart);
  };
  lw.on("error", restart);
  run();
  return {
    list: (namespace) => [...lw.list(namespace)],
    get: (name, namespace) => lw.get(name, namespace),
    synced,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await lw.stop();
    },
  };
}
