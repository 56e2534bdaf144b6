import { randomBytes } from "node:crypto";
import { type EventsV1Api, type EventsV1Event, V1MicroTime } from "@kubernetes/client-node";
import type { Logger } from "../common/log.js";
import { withTimeout } from "./with-timeout.js";

export const EVENT_REASON_RELAY_KEY_NOT_READY = "RelayKeyNotReady";
/** events.k8s.io/v1 requires a reporting controller; this names the component, not a process. */
export const REPORTING_CONTROLLER = "kuberelay.dev/webhook";
/** An Event must never hold up an admission: past this, the write is abandoned and logged. */
export const DEFAULT_EVENT_TIMEOUT_MS = 2_000;

/** The Pod being admitted; it has no uid yet at CREATE, and maybe only a generateName prefix for a name. */
export interface PodRef {
  namespace: string;
  name: string;
  uid?: string;
}

export interface WarningEvent {
  pod: PodRef;
  reason: typeof EVENT_REASON_RELAY_KEY_NOT_READY;
  /** Names the RelayKey; callers never put a key value here. */
  note: string;
}

/** Records Events about admitted Pods. `warn` returns at once: the write happens in the background. */
export interface PodEventRecorder {
  warn(event: WarningEvent): void;
}

const MAX_NOTE_LENGTH = 1024;

/** Like client-go's recorder: `<object name>.<unique suffix>`, kept a valid DNS subdomain. */
function eventName(podName: string, now: Date): string {
  const base = podName.replace(/[^a-z0-9]+$/, "").slice(0, 200) || "pod";
  return `${base}.${now.getTime().toString(16)}${randomBytes(4).toString("hex")}`;
}

export function warningEventBody(event: WarningEvent, now: Date, reportingInstance: string): EventsV1Event {
  const { pod } = event;
  return {
    apiVersion: "events.k8s.io/v1",
    kind: "Event",
    metadata: { name: eventName(pod.name, now), namespace: pod.namespace },
    eventTime: new V1MicroTime(now.getTime()),
    type: "Warning",
    reason: event.reason,
    action: "Inject",
    note: event.note.slice(0, MAX_NOTE_LENGTH),
    reportingController: REPORTING_CONTROLLER,
    reportingInstance,
    regarding: {
      apiVersion: "v1",
      kind: "Pod",
      namespace: pod.namespace,
      name: pod.name,
      ...(pod.uid ? { uid: pod.uid } : {}),
    },
  };
}

export type EventCreator = Pick<EventsV1Api, "createNamespacedEvent">;

export interface KubernetesEventRecorderOptions {
  api: EventCreator;
  logger: Logger;
  reportingInstance: string;
  timeoutMs?: number;
  now?: () => Date;
}

/** Fire and forget: a failed or slow Event write is logged once and otherwise ignored. */
export function createKubernetesEventRecorder(options: KubernetesEventRecorderOptions): PodEventRecorder {
  const ms = options.timeoutMs ?? DEFAULT_EVENT_TIMEOUT_MS;
  const now = options.now ?? (() => new Date());
  return {
    warn(event) {
      const body = warningEventBody(event, now(), options.reportingInstance);
      const write = options.api.createNamespacedEvent({ namespace: event.pod.namespace, body });
      withTimeout(write, ms, () => new Error(`timed out after ${ms}ms`)).catch((error: unknown) => {
        options.logger.warn("event not recorded", {
          reason: event.reason,
          pod: `${event.pod.namespace}/${event.pod.name}`,
          error,
        });
      });
    },
  };
}
