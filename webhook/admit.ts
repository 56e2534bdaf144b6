import { ANNOTATION_RELAY_KEY } from "../common/names.js";
import {
  type AdmissionReviewResponse,
  buildAdmissionResponse,
  parseAdmissionReview,
} from "./admission-review.js";
import { mutatePod, podAnnotations, wantsInjection } from "./mutate-pod.js";
import type { RelayKeyLookup } from "./relay-key-lookup.js";
import { resolveRelayKey } from "./resolve-relay-key.js";
import { isRecord } from "./type-guards.js";

export interface AdmitOptions {
  gatewayUrl: string;
  lookup: RelayKeyLookup;
  lookupTimeoutMs?: number;
}

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
}

/** One AdmissionReview in, one out. Never throws and never denies. */
export async function admit(body: unknown, options: AdmitOptions): Promise<AdmissionOutcome> {
  const parsed = parseAdmissionReview(body);
  if (!parsed.ok) {
    return {
      review: buildAdmissionResponse(parsed.uid),
      summary: { uid: parsed.uid, injected: [], warnings: [], skipped: parsed.reason },
    };
  }
  const { uid, namespace, object: pod } = parsed.request;
  const base = { uid, namespace: namespace ?? podNamespace(pod), pod: podName(pod) };
  if (!wantsInjection(pod)) {
    return {
      review: buildAdmissionResponse(uid),
      summary: { ...base, injected: [], warnings: [], skipped: "not annotated" },
    };
  }
  const resolution = await resolveRelayKey({
    lookup: options.lookup,
    namespace: base.namespace,
    name: podAnnotations(pod)?.[ANNOTATION_RELAY_KEY],
    timeoutMs: options.lookupTimeoutMs,
  });
  const { warnings } = resolution;
  const error = resolution.error === undefined ? {} : { error: resolution.error };
  try {
    const { patch, injected } = mutatePod(pod, {
      gatewayUrl: options.gatewayUrl,
      relayKey: resolution.relayKey,
    });
    return {
      review: buildAdmissionResponse(uid, { patch, warnings }),
      summary: { ...base, injected, warnings, ...error },
    };
  } catch (mutationError) {
    // A bug in the mutation must not block Pods: admit unchanged and let the log tell.
    return {
      review: buildAdmissionResponse(uid, { warnings }),
      summary: { ...base, injected: [], warnings, error: mutationError },
    };
  }
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
