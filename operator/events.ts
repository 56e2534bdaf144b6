import { randomBytes } from "node:crypto";
import {
  EventsV1Api,
  type EventsV1Event,
  type KubeConfig,
  type KubernetesObject,
  V1MicroTime,
} from "@kubernetes/client-node";
import type { ConditionInput } from "../common/conditions.js";
import { apiErrorMessage } from "../common/kube/api-error.js";
import type { Logger } from "../common/log.js";
import { API_VERSION } from "../common/names.js";

export const REPORTING_CONTROLLER = "kuberelay.dev/operator";
const NOTE_MAX = 1024;

/** What an event says. Notes are built from names and condition messages, never Secret data. */
export interface OperatorEvent {
  type: "Normal" | "Warning";
  reason: string;
  action: string;
  note: string;
}

export const keyIssued = (secretName: string): OperatorEvent => ({
  type: "Normal",
  reason: "KeyIssued",
  action: "IssueKey",
  note: `Secret "${secretName}" written with a newly generated relay key`,
});

export const keyRotated = (
  secretName: string,
  previousPrefix: string | undefined,
  previousUntil: string | undefined,
): OperatorEvent => ({
  type: "Normal",
  reason: "KeyRotated",
  action: "RotateKey",
  note:
    previousPrefix && previousUntil
      ? `Secret "${secretName}" holds a new relay key; the previous key (${previousPrefix}…) works until ${previousUntil}`
      : `Secret "${secretName}" holds a new relay key; the previous key stopped at once (no grace period)`,
});

export const previousKeyRevoked = (
  secretName: string,
  previousPrefix: string | undefined,
): OperatorEvent => ({
  type: "Normal",
  reason: "PreviousKeyRevoked",
  action: "RevokeKey",
  note: `the grace period ended: the previous key${previousPrefix ? ` (${previousPrefix}…)` : ""} was removed from Secret "${secretName}"`,
});

/** A Warning when Ready becomes False (from True, Unknown or absent); nothing while it stays False. */
export function readyTurnedFalse(
  previousReady: string | undefined,
  next: readonly ConditionInput[],
): OperatorEvent | undefined {
  const ready = next.find((c) => c.type === "Ready");
  if (ready?.status !== "False" || previousReady === "False") return undefined;
  return { type: "Warning", reason: ready.reason, action: "Reconcile", note: ready.message };
}

/** The Ready status an object carries now, read defensively: its status is not validated. */
export function currentReady(obj: KubernetesObject & { status?: unknown }): string | undefined {
  const status = obj.status;
  if (!status || typeof status !== "object" || !("conditions" in status)) return undefined;
  const conditions = status.conditions;
  if (!Array.isArray(conditions)) return undefined;
  for (const c of conditions as unknown[]) {
    if (c && typeof c === "object" && "type" in c && c.type === "Ready" && "status" in c) {
      return typeof c.status === "string" ? c.status : undefined;
    }
  }
  return undefined;
}

/** What an event is about: only identity fields, so both raw and parsed objects fit. */
export interface EventSubject {
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
}

export function eventBody(
  kind: string,
  obj: EventSubject,
  e: OperatorEvent,
  instance: string,
  now: Date,
  apiVersion = API_VERSION,
): EventsV1Event {
  const name = obj.metadata?.name ?? "";
  const namespace = obj.metadata?.namespace ?? "default";
  return {
    apiVersion: "events.k8s.io/v1",
    kind: "Event",
    metadata: { name: `${name.slice(0, 200)}.${randomBytes(8).toString("hex")}`, namespace },
    eventTime: new V1MicroTime(now.getTime()),
    reportingController: REPORTING_CONTROLLER,
    reportingInstance: instance.slice(0, 128),
    type: e.type,
    reason: e.reason.slice(0, 128),
    action: e.action,
    note: e.note.slice(0, NOTE_MAX),
    regarding: {
      apiVersion,
      kind,
      name,
      namespace,
      uid: obj.metadata?.uid,
      resourceVersion: obj.metadata?.resourceVersion,
    },
  };
}

export type EventSink = (namespace: string, body: EventsV1Event) => Promise<unknown>;

export function kubeEventSink(kc: KubeConfig): EventSink {
  const api = kc.makeApiClient(EventsV1Api);
  return (namespace, body) => api.createNamespacedEvent({ namespace, body });
}

/** Records events on kuberelay objects. An event is a courtesy: failing to write one never fails a reconcile. */
export class EventRecorder {
  constructor(
    private readonly sink: EventSink,
    private readonly log: Logger,
    private readonly instance: string,
  ) {}

  /** `apiVersion` of what the event regards: a kuberelay object unless said otherwise. */
  async record(kind: string, obj: EventSubject, e: OperatorEvent, apiVersion = API_VERSION): Promise<void> {
    const body = eventBody(kind, obj, e, this.instance, new Date(), apiVersion);
    try {
      await this.sink(body.metadata?.namespace ?? "default", body);
    } catch (err) {
      this.log.warn("event not recorded", {
        object: `${kind}/${obj.metadata?.namespace}/${obj.metadata?.name}`,
        reason: e.reason,
        error: apiErrorMessage(err),
      });
    }
  }
}
