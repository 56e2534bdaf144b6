import { CoordinationV1Api, type KubeConfig, type V1Lease, V1MicroTime } from "@kubernetes/client-node";
import { isNotFound } from "./api-error.js";

/** The fields of a coordination.k8s.io/v1 Lease that leader election reads and writes. */
export interface LeaseRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime?: Date;
  renewTime?: Date;
  leaseTransitions: number;
  /** Empty for a record not yet stored; updates carry it so a concurrent write gets a 409. */
  resourceVersion: string;
}

/**
 * Where the Lease lives. `create` and `update` reject with a 409 (`code: 409`) when another
 * writer got there first: update is optimistic, by resourceVersion, never a blind overwrite.
 */
export interface LeaseStore {
  get(): Promise<LeaseRecord | undefined>;
  create(record: LeaseRecord): Promise<LeaseRecord>;
  update(record: LeaseRecord): Promise<LeaseRecord>;
}

/** MicroTime fields arrive as strings at runtime, whatever their declared type says. */
const asDate = (v: Date | string | undefined) => (v === undefined ? undefined : new Date(v));

export function toRecord(lease: V1Lease): LeaseRecord {
  const spec = lease.spec ?? {};
  return {
    holderIdentity: spec.holderIdentity ?? "",
    leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
    acquireTime: asDate(spec.acquireTime),
    renewTime: asDate(spec.renewTime),
    leaseTransitions: spec.leaseTransitions ?? 0,
    resourceVersion: lease.metadata?.resourceVersion ?? "",
  };
}

// MicroTime fields must be serialised with microseconds, or the API server refuses them.
const micro = (d: Date | undefined) => (d ? new V1MicroTime(d.getTime()) : undefined);

function toLease(name: string, namespace: string, r: LeaseRecord): V1Lease {
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { name, namespace, ...(r.resourceVersion ? { resourceVersion: r.resourceVersion } : {}) },
    spec: {
      holderIdentity: r.holderIdentity,
      leaseDurationSeconds: r.leaseDurationSeconds,
      acquireTime: micro(r.acquireTime),
      renewTime: micro(r.renewTime),
      leaseTransitions: r.leaseTransitions,
    },
  };
}

export function kubeLeaseStore(kc: KubeConfig, namespace: string, name: string): LeaseStore {
  const api = kc.makeApiClient(CoordinationV1Api);
  return {
    async get() {
      try {
        return toRecord(await api.readNamespacedLease({ name, namespace }));
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    async create(record) {
      return toRecord(await api.createNamespacedLease({ namespace, body: toLease(name, namespace, record) }));
    },
    async update(record) {
      return toRecord(
        await api.replaceNamespacedLease({ name, namespace, body: toLease(name, namespace, record) }),
      );
    },
  };
}
