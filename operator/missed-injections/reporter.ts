import type { V1Namespace, V1Pod } from "@kubernetes/client-node";
import { apiErrorMessage, isConflict } from "../../common/kube/api-error.js";
import type { Logger } from "../../common/log.js";
import type { EventSink } from "../events.js";
import { injectionMissedEvent, REASON_INJECTION_MISSED } from "./injection-missed-event.js";
import { type InjectionScope, type MissedPod, missedInjection } from "./missed-injection.js";

/** Read access to the informer caches; injectable so the reporter is tested without an API server. */
export interface PodCache {
  get(name: string, namespace: string): V1Pod | undefined;
  list(namespace: string): V1Pod[];
}
export interface NamespaceCache {
  get(name: string): V1Namespace | undefined;
}

export interface MissedInjectionReporterOptions {
  pods: PodCache;
  namespaces: NamespaceCache;
  scope: InjectionScope;
  sink: EventSink;
  log: Logger;
  reportingInstance: string;
  /** Called with the number of missed Pods whenever it may have changed (the gauge). */
  onCount?: (count: number) => void;
  now?: () => Date;
}

/**
 * Keeps the set of Pods that missed their injection, level-triggered: a change to a Pod or a
 * Namespace only says which Pods to look at again, from the caches. Every replica keeps the set (for
 * its metric and status); only the leader writes Events, one per Pod.
 */
export class MissedInjectionReporter {
  private readonly missed = new Map<string, MissedPod>();
  /** Pod uids whose Event was written (or already existed): never written twice by this process. */
  private readonly reported = new Set<string>();
  private readonly pending = new Set<Promise<void>>();
  private leading = false;

  constructor(private readonly opts: MissedInjectionReporterOptions) {}

  podChanged(namespace: string, name: string): void {
    this.evaluate(namespace, name);
    this.countChanged();
  }

  /** A Namespace's labels decide for its Pods without the annotation. */
  namespaceChanged(name: string): void {
    for (const pod of this.opts.pods.list(name)) {
      const podName = pod.metadata?.name;
      if (podName !== undefined) this.evaluate(name, podName);
    }
    this.countChanged();
  }

  /** From now on this replica writes the Events, starting with the Pods already missed. */
  lead(): void {
    this.leading = true;
    for (const pod of this.missed.values()) this.report(pod);
  }

  /** Sorted by namespace, then name. */
  snapshot(): MissedPod[] {
    return [...this.missed.values()].sort(
      (a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name),
    );
  }

  /** Resolves once the Event writes started so far have finished. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private evaluate(namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    const pod = this.opts.pods.get(name, namespace);
    const labels = this.opts.namespaces.get(namespace)?.metadata?.labels;
    const found = pod === undefined ? undefined : missedInjection(pod, labels, this.opts.scope);
    const previous = this.missed.get(key);
    if (found === undefined) {
      if (previous !== undefined) this.missed.delete(key);
      return;
    }
    this.missed.set(key, found);
    if (previous?.uid !== found.uid)
      this.opts.log.warn("pod missed its injection", { pod: key, by: found.by });
    // Every change of a missed Pod is a chance to write an Event whose first write failed.
    this.report(found);
  }

  private report(pod: MissedPod): void {
    if (!this.leading || this.reported.has(pod.uid)) return;
    this.reported.add(pod.uid);
    const now = (this.opts.now ?? (() => new Date()))();
    const write = this.opts
      .sink(pod.namespace, injectionMissedEvent(pod, this.opts.reportingInstance, now))
      .then(
        () => undefined,
        (err: unknown) => {
          // AlreadyExists: an earlier leader recorded it; the Event is per Pod, not per leader.
          if (isConflict(err)) return;
          // Let a later change (or leadership) try again rather than lose the Event for good.
          this.reported.delete(pod.uid);
          this.opts.log.warn("event not recorded", {
            pod: `${pod.namespace}/${pod.name}`,
            reason: REASON_INJECTION_MISSED,
            error: apiErrorMessage(err),
          });
        },
      );
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
  }

  private countChanged(): void {
    this.opts.onCount?.(this.missed.size);
  }
}
