import {
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
  PatchStrategy,
  setHeaderOptions,
} from "@kubernetes/client-node";
import { type ConditionInput, setConditions } from "../common/conditions.js";
import { isNotFound } from "../common/kube/api-error.js";
import { API_VERSION, FIELD_MANAGER, GROUP, VERSION } from "../common/names.js";
import type { Condition } from "../common/schemas/shared-types.js";
import { stableStringify } from "../common/stable-json.js";

export interface StatusTarget {
  kind: string;
  plural: string;
  /** The object as cached: its metadata and current status are read from here. */
  obj: KubernetesObject & { status?: unknown };
}

type StatusDoc = { observedGeneration?: number; conditions?: Condition[] } & Record<string, unknown>;

function currentStatus(obj: StatusTarget["obj"]): StatusDoc {
  return obj.status && typeof obj.status === "object" ? (obj.status as StatusDoc) : {};
}

/** The status an object should carry; lastTransitionTime moves only on a flip. */
export function desiredStatus(
  target: StatusTarget,
  conditions: readonly ConditionInput[],
  extra: Record<string, unknown>,
  now: Date,
): StatusDoc {
  const generation = target.obj.metadata?.generation;
  const current = currentStatus(target.obj);
  return {
    ...extra,
    ...(generation === undefined ? {} : { observedGeneration: generation }),
    conditions: setConditions(current.conditions, conditions, generation, now),
  };
}

/**
 * One status write per object per reconcile, and none when nothing changed. Written by
 * server-side apply under the operator's field manager, so only fields it owns move.
 */
export class StatusWriter {
  private readonly api: CustomObjectsApi;

  constructor(kc: KubeConfig) {
    this.api = kc.makeApiClient(CustomObjectsApi);
  }

  async write(
    target: StatusTarget,
    conditions: readonly ConditionInput[],
    extra: Record<string, unknown> = {},
  ) {
    const status = desiredStatus(target, conditions, extra, new Date());
    if (stableStringify(status) === stableStringify(currentStatus(target.obj))) return false;
    const name = target.obj.metadata?.name ?? "";
    const namespace = target.obj.metadata?.namespace ?? "";
    try {
      await this.api.patchNamespacedCustomObjectStatus(
        {
          group: GROUP,
          version: VERSION,
          namespace,
          plural: target.plural,
          name,
          body: { apiVersion: API_VERSION, kind: target.kind, metadata: { name, namespace }, status },
          fieldManager: FIELD_MANAGER,
          force: true,
        },
        setHeaderOptions("Content-Type", PatchStrategy.ServerSideApply),
      );
    } catch (err) {
      // Deleted since the cache saw it: nothing left to report on.
      if (isNotFound(err)) return false;
      throw err;
    }
    return true;
  }
}
