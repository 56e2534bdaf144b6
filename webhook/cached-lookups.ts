import type { KubernetesObject, V1Namespace } from "@kubernetes/client-node";
import type { NamespaceLookup } from "./namespace-lookup.js";
import { type RelayKeyLookup, relayKeyInfo } from "./relay-key-lookup.js";

/** A list+watch cache, read-only; empty until its first list. */
export interface ObjectCache<T> {
  get(name: string, namespace?: string): T | undefined;
}

/**
 * Answers from the watch cache when it holds a usable answer, so an admission costs no API round trip;
 * otherwise asks the API server. Only a Ready RelayKey is taken from the cache: one created or made
 * Ready a moment ago may not have reached it yet, and a Pod must not miss its key for that.
 */
export function cachedRelayKeyLookup(
  cache: ObjectCache<KubernetesObject>,
  fallback: RelayKeyLookup,
): RelayKeyLookup {
  return {
    async get(namespace, name) {
      const cached = cache.get(name, namespace);
      if (cached !== undefined) {
        try {
          const info = relayKeyInfo(cached);
          if (info.ready) return info;
        } catch {
          // An invalid cached copy may be stale: the API server has the last word.
        }
      }
      return fallback.get(namespace, name);
    },
  };
}

/**
 * A cached Namespace's labels, else the API server's. A label change reaches the cache within the
 * watch's delay (well under a second), the only window in which the two can differ.
 */
export function cachedNamespaceLookup(
  cache: ObjectCache<V1Namespace>,
  fallback: NamespaceLookup,
): NamespaceLookup {
  return {
    async labels(name) {
      const cached = cache.get(name);
      return cached === undefined ? fallback.labels(name) : (cached.metadata?.labels ?? {});
    },
  };
}
