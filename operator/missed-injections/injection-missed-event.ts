import { type EventsV1Event, V1MicroTime } from "@kubernetes/client-node";
import { REPORTING_CONTROLLER } from "../events.js";
import type { MissedPod } from "./missed-injection.js";

export const REASON_INJECTION_MISSED = "InjectionMissed";

const asked: Record<MissedPod["by"], string> = {
  annotation: 'its annotation kuberelay.dev/inject: "true"',
  namespace: "its namespace's label kuberelay.dev/inject=enabled",
};

export function injectionMissedNote(pod: MissedPod): string {
  return (
    `Pod asked for kuberelay injection (${asked[pod.by]}) but was admitted without it, most likely while ` +
    "the admission webhook was unavailable: it has no gateway base URL or relay key env. " +
    "Delete the Pod (or restart its workload, e.g. kubectl rollout restart) to have it injected."
  );
}

/**
 * One Event per Pod, ever: its name is derived from the Pod's uid, so a second attempt (another
 * leader after a failover) gets AlreadyExists instead of a duplicate.
 */
export function injectionMissedEventName(pod: Pick<MissedPod, "name" | "uid">): string {
  return `${pod.name.slice(0, 180).replace(/[^a-z0-9]+$/, "")}.injection-missed.${pod.uid.toLowerCase()}`;
}

export function injectionMissedEvent(pod: MissedPod, reportingInstance: string, now: Date): EventsV1Event {
  return {
    apiVersion: "events.k8s.io/v1",
    kind: "Event",
    metadata: { name: injectionMissedEventName(pod), namespace: pod.namespace },
    eventTime: new V1MicroTime(now.getTime()),
    type: "Warning",
    reason: REASON_INJECTION_MISSED,
    action: "CheckInjection",
    note: injectionMissedNote(pod),
    reportingController: REPORTING_CONTROLLER,
    reportingInstance: reportingInstance.slice(0, 128),
    regarding: { apiVersion: "v1", kind: "Pod", namespace: pod.namespace, name: pod.name, uid: pod.uid },
  };
}
