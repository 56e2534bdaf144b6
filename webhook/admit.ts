import { ANNOTATION_RELAY_KEY } from "../common/names.js";
import {
  type AdmissionReviewResponse,
  buildAdmissionResponse,
  type PodCreateRequest,
  parseAdmissionReview,
} from "./admission-review.js";
import { mutatePod, podAnnotations } from "./mutate-pod.js";
import type { NamespaceLookup } from "./namespace-lookup.js";
import { EVENT_REASON_RELAY_KEY_NOT_READY, type PodEventRecorder } from "./pod-event.js";
import { selectPod } from "./pod-selection.js";
import type { RelayKeyLookup } from "./relay-key-lookup.js";
import { type RelayKeyResolution, type RelayKeyWarningReason, resolveRelayKey } from "./resolve-relay-key.js";
import { isRecord } from "./type-guards.js";

export interface AdmitOptions {
  gatewayUrl: string;
  lookup: RelayKeyLookup;
  namespaces: NamespaceLookup;
  /** Pods in the webhook's own namespace are never injected. */
  ownNamespace: string;
  /** Where to report a Pod whose RelayKey is missing or not Ready; none in tests that do not care. */
  events?: PodEventRecorder;
  lookupTimeoutMs?: number;
  namespaceLookupTimeoutMs?: number;
}

/** A bounded set, used as a metric label. */
export type AdmissionResult = "injected" | "skipped" | "warned" | "error";
/** Why an admission ended in "error", also a metric label: a review we could not read, or a bug of ours. */
export type AdmissionErrorReason = "MalformedReview" | "MutationFailed";
export type WarningReason = RelayKeyWarningReason | "NamespaceLookupFailed";

/** What one admission did, for the log line. Names only: never an env value. */
export interface AdmissionSummary {
  uid: string | undefined;
  namespace?: string;
  pod?: string;
  injected: string[];
  warnings: string[];
  skipped?: string;
  error?: unknown;
}

export interface AdmissionOutcome {
  review: AdmissionReviewResponse;
  summary: AdmissionSummary;
  result: AdmissionResult;
  warningReasons: WarningReason[];
  errorReason?: AdmissionErrorReason;
}

/** RelayKey problems worth an Event on the Pod: the ones its owner can fix by creating or fixing the key. */
const EVENT_REASONS = new Set<WarningReason>(["RelayKeyNotFound", "RelayKeyNotReady"]);

/** One AdmissionReview in, one out. Never throws and never denies. */
export async function admit(body: unknown, options: AdmitOptions): Promise<AdmissionOutcome> {
  const parsed = parseAdmissionReview(body);
  if (!parsed.ok) {
    return {
      review: buildAdmissionResponse(parsed.uid),
      summary: { uid: parsed.uid, injected: [], warnings: [], skipped: parsed.reason },
      warningReasons: [],
      ...(parsed.malformed ? { result: "error", errorReason: "MalformedReview" } : { result: "skipped" }),
    };
  }
  const { uid, object: pod } = parsed.request;
  const namespace = parsed.request.namespace ?? podNamespace(pod);
  const base = { uid, namespace, pod: podName(pod) };
  const selection = await selectPod({
    pod,
    namespace,
    ownNamespace: options.ownNamespace,
    namespaces: options.namespaces,
    timeoutMs: options.namespaceLookupTimeoutMs,
  });
  if (!selection.inject) {
    const warnings = selection.warning === undefined ? [] : [selection.warning];
    const error = selection.error === undefined ? {} : { error: selection.error };
    return {
      review: buildAdmissionResponse(uid, { warnings }),
      summary: { ...base, injected: [], warnings, skipped: selection.skipped, ...error },
      result: warnings.length > 0 ? "warned" : "skipped",
      warningReasons: warnings.length > 0 ? ["NamespaceLookupFailed"] : [],
    };
  }
  const resolution = await resolveRelayKey({
    lookup: options.lookup,
    namespace,
    name: podAnnotations(pod)?.[ANNOTATION_RELAY_KEY],
    timeoutMs: options.lookupTimeoutMs,
  });
  reportRelayKeyProblem(parsed.request, base, resolution, options.events);
  return inject(pod, base, resolution, options.gatewayUrl);
}

function inject(
  pod: unknown,
  base: Pick<AdmissionSummary, "uid" | "namespace" | "pod">,
  resolution: RelayKeyResolution,
  gatewayUrl: string,
): AdmissionOutcome {
  const { warnings } = resolution;
  const warningReasons = resolution.reason === undefined ? [] : [resolution.reason];
  const error = resolution.error === undefined ? {} : { error: resolution.error };
  try {
    const { patch, injected } = mutatePod(pod, { gatewayUrl, relayKey: resolution.relayKey });
    return {
      review: buildAdmissionResponse(base.uid, { patch, warnings }),
      summary: { ...base, injected, warnings, ...error },
      result: resultOf(warnings.length > 0, injected.length > 0),
      warningReasons,
    };
  } catch (mutationError) {
    // A bug in the mutation must not block Pods: admit unchanged and let the log tell.
    return {
      review: buildAdmissionResponse(base.uid, { warnings }),
      summary: { ...base, injected: [], warnings, error: mutationError },
      result: "error",
      errorReason: "MutationFailed",
      warningReasons,
    };
  }
}

/** A patch that only adds the marker annotation injected nothing: "skipped". */
function resultOf(warned: boolean, injected: boolean): AdmissionResult {
  if (warned) return "warned";
  return injected ? "injected" : "skipped";
}

/** A dry run must have no side effects, and an Event is one. */
function reportRelayKeyProblem(
  request: PodCreateRequest,
  base: Pick<AdmissionSummary, "namespace" | "pod">,
  resolution: RelayKeyResolution,
  events: PodEventRecorder | undefined,
): void {
  const { reason } = resolution;
  if (events === undefined || request.dryRun || reason === undefined || !EVENT_REASONS.has(reason)) return;
  if (base.namespace === undefined || base.pod === undefined) return;
  events.warn({
    pod: { namespace: base.namespace, name: base.pod, uid: podUid(request.object) },
    reason: EVENT_REASON_RELAY_KEY_NOT_READY,
    note: resolution.warnings.map((warning) => warning.replace(/^kuberelay: /, "")).join("; "),
  });
}

function metadataString(pod: unknown, field: string): string | undefined {
  if (!isRecord(pod) || !isRecord(pod.metadata)) return undefined;
  const value = pod.metadata[field];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function podNamespace(pod: unknown): string | undefined {
  return metadataString(pod, "namespace");
}

/** Pods from controllers have no name yet at admission, only a generateName prefix. */
function podName(pod: unknown): string | undefined {
  return metadataString(pod, "name") ?? metadataString(pod, "generateName");
}

function podUid(pod: unknown): string | undefined {
  return metadataString(pod, "uid");
}
