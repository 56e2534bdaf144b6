import type { CoreV1Api } from "@kubernetes/client-node";

/** How the webhook learns a namespace's labels; injectable so tests need no API server. */
export interface NamespaceLookup {
  /** Rejects when the Namespace cannot be read; the caller decides what that means. */
  labels(name: string): Promise<Record<string, string>>;
}

export type NamespaceReader = Pick<CoreV1Api, "readNamespace">;

export function createKubernetesNamespaceLookup(api: NamespaceReader): NamespaceLookup {
  return {
    async labels(name) {
      const namespace = await api.readNamespace({ name });
      return namespace.metadata?.labels ?? {};
    },
  };
}
