import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import { isConflict, isNotFound } from "../../common/kube/api-error.js";
import type { MasterKeySecretApi } from "./ensure-master-key.js";

export function kubeMasterKeySecretApi(kc: KubeConfig): MasterKeySecretApi {
  const core = kc.makeApiClient(CoreV1Api);
  return {
    async create(body) {
      try {
        await core.createNamespacedSecret({ namespace: body.metadata?.namespace ?? "", body });
        return "created";
      } catch (err) {
        if (isConflict(err)) return "exists";
        throw err;
      }
    },
    async read(namespace, name) {
      try {
        return await core.readNamespacedSecret({ name, namespace });
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
  };
}
