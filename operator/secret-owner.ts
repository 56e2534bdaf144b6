/**
 * The owner of the Secrets the operator writes in its own namespace (the gateway config and its
 * shards, the webhook's TLS and CA Secrets). Helm never knew them, so `helm uninstall` alone would
 * leave them behind; with an ownerReference to the operator's Deployment, which helm does delete,
 * the garbage collector removes them too.
 */
import {
  AppsV1Api,
  type KubeConfig,
  type V1ObjectMeta,
  type V1OwnerReference,
} from "@kubernetes/client-node";
import { apiErrorMessage, apiStatus } from "../common/kube/api-error.js";
import type { Logger } from "../common/log.js";

export const ownerDeploymentFlagUsage = `  --owner-deployment NAME  the operator's own Deployment in --namespace: the Secrets the operator writes
                           there get an ownerReference to it and go when it is deleted (helm uninstall)`;

/**
 * An ownerReference to the operator's Deployment. Not `controller`: the Deployment does not
 * reconcile these Secrets. Not `blockOwnerDeletion`: that would need update on the Deployment's
 * finalizers, and nothing should wait on a Secret to delete the operator.
 */
export function deploymentOwner(name: string, uid: string): V1OwnerReference {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    name,
    uid,
    controller: false,
    blockOwnerDeletion: false,
  };
}

/** Whether `meta` names `owner`, by uid: a same-named Deployment from before a re-creation is another owner. */
export function hasOwner(meta: V1ObjectMeta | undefined, owner: V1OwnerReference): boolean {
  return meta?.ownerReferences?.some((r) => r.uid === owner.uid) === true;
}

/**
 * `refs` with `owner` in it. A reference to an earlier object of the owner's kind and name (the
 * Deployment deleted and created again) is replaced; references to anything else are kept.
 */
export function withOwner(
  refs: readonly V1OwnerReference[] | undefined,
  owner: V1OwnerReference,
): V1OwnerReference[] {
  const others = (refs ?? []).filter(
    (r) => !(r.apiVersion === owner.apiVersion && r.kind === owner.kind && r.name === owner.name),
  );
  return [...others, owner];
}

/**
 * Reads the operator's Deployment once, for its uid. Without a name (the operator run outside the
 * chart) there is no owner, and that is said once. A Deployment that cannot be read is a startup
 * error: the name comes from the chart, which also grants the read, so a failure is a chart and
 * image that disagree, and running on would leave the CA key and the sealed config behind at
 * uninstall, when it is too late to notice. A transient API failure costs one container restart.
 */
export async function resolveSecretOwner(
  kc: KubeConfig,
  log: Logger,
  namespace: string,
  deployment: string | undefined,
): Promise<V1OwnerReference | undefined> {
  if (!deployment) {
    log.warn("no --owner-deployment: the Secrets this operator writes are not garbage-collected", {
      namespace,
    });
    return undefined;
  }
  const apps = kc.makeApiClient(AppsV1Api);
  try {
    const found = await apps.readNamespacedDeployment({ name: deployment, namespace });
    const uid = found.metadata?.uid;
    if (!uid) throw new Error("it has no uid");
    return deploymentOwner(deployment, uid);
  } catch (err) {
    const status = apiStatus(err);
    const hint =
      status === 403
        ? ": the operator needs get on this Deployment (the chart's operator Role grants it)"
        : status === 404
          ? ": no such Deployment (--owner-deployment names the operator's own)"
          : "";
    throw new Error(
      `--owner-deployment: cannot read Deployment ${namespace}/${deployment}${hint}: ${apiErrorMessage(err)}`,
      { cause: err },
    );
  }
}
