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
}

export interface RunningInformer<T extends KubernetesObject> {
  list(namespace?: string): T[];
  get(name: string, namespace?: string): T | undefined;
  /** Resolves after the first successful list. */
  synced: Promise<void>;
  stop(): Promise<void>;
}

const MAX_BACKOFF_MS = 30_000;

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
  const list = async () => {
    const result = await opts.list();
    backoff = 500;
    markSynced();
    return result;
  };
  const lw = new ListWatch<T>(opts.path, new Watch(kc), list, false, opts.labelSelector, opts.fieldSelector);
  lw.on("add", opts.onChange);
  lw.on("update", opts.onChange);
  lw.on("delete", opts.onChange);
  const restart = (err: unknown) => {
    if (stopped) return;
    opts.log.warn("watch failed; restarting", {
      path: opts.path,
      error: apiErrorMessage(err),
      retryInMs: backoff,
    });
    timer = setTimeout(run, backoff);
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
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
