/** TlsStore on the Kubernetes API: the two Secrets in the operator's namespace and one MutatingWebhookConfiguration. */
import {
  AdmissionregistrationV1Api,
  CoreV1Api,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1OwnerReference,
  type V1Secret,
} from "@kubernetes/client-node";
import { isNotFound } from "../../common/kube/api-error.js";
import { FIELD_MANAGER } from "../../common/names.js";
import { hasOwner } from "../secret-owner.js";
import type { WebhookTlsConfig } from "./config.js";
import type { DesiredSecret, StoredSecret, TlsStore, WebhookEntry } from "./store.js";

/**
 * Not app.kubernetes.io/managed-by=kuberelay: the controller watches Secrets with that label
 * (relay keys) and would recompile the gateway config on every certificate write.
 */
const labels = { "app.kubernetes.io/part-of": "kuberelay", "app.kubernetes.io/component": "webhook-tls" };

const decode = (data: Record<string, string> | undefined) =>
  Object.fromEntries(
    Object.entries(data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]),
  );

const encode = (data: Record<string, string>) =>
  Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, "utf8").toString("base64")]));

/**
 * `owner` goes on both Secrets, so they are garbage-collected with it. They are the operator's
 * alone: a write sets their owner references to exactly that (none without an owner).
 */
export function kubeTlsStore(
  kc: KubeConfig,
  config: WebhookTlsConfig,
  owner: V1OwnerReference | undefined,
): TlsStore {
  const core = kc.makeApiClient(CoreV1Api);
  const admission = kc.makeApiClient(AdmissionregistrationV1Api);
  const namespace = config.namespace;
  return {
    async readSecret(name): Promise<StoredSecret | undefined> {
      try {
        const secret = await core.readNamespacedSecret({ name, namespace });
        return {
          data: decode(secret.data),
          resourceVersion: secret.metadata?.resourceVersion ?? "",
          owned: owner === undefined || hasOwner(secret.metadata, owner),
        };
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    async writeSecret(name, desired: DesiredSecret, resourceVersion): Promise<void> {
      const body: V1Secret = {
        apiVersion: "v1",
        kind: "Secret",
        type: desired.type,
        metadata: {
          name,
          namespace,
          labels,
          ...(owner ? { ownerReferences: [owner] } : {}),
          ...(resourceVersion === undefined ? {} : { resourceVersion }),
        },
        data: encode(desired.data),
      };
      // A version-guarded replace, not an apply: a second writer (a deposed leader) gets a 409, not a merge.
      if (resourceVersion === undefined) {
        await core.createNamespacedSecret({ namespace, body, fieldManager: FIELD_MANAGER });
      } else await core.replaceNamespacedSecret({ name, namespace, body, fieldManager: FIELD_MANAGER });
    },
    async readWebhookEntries(): Promise<WebhookEntry[] | undefined> {
      try {
        const mwc = await admission.readMutatingWebhookConfiguration({ name: config.webhookConfigName });
        return (mwc.webhooks ?? []).map((w) => ({ name: w.name, caBundle: w.clientConfig.caBundle ?? "" }));
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    async patchCaBundles(entries, caBundle): Promise<void> {
      // Each entry is addressed by index; the test op makes the patch fail rather than hit another
      // entry if someone reordered them since we read.
      const body = entries.flatMap(({ index, name }) => [
        { op: "test", path: `/webhooks/${index}/name`, value: name },
        { op: "add", path: `/webhooks/${index}/clientConfig/caBundle`, value: caBundle },
      ]);
      await admission.patchMutatingWebhookConfiguration(
        { name: config.webhookConfigName, body, fieldManager: FIELD_MANAGER },
        setHeaderOptions("Content-Type", PatchStrategy.JsonPatch),
      );
    },
  };
}
