import { ANNOTATION_INJECTED } from "../common/names.js";
import { selectedContainers } from "./container-selection.js";
import { type EnvVar, injectedEnv, type RelayKeyRef } from "./injected-env.js";
import { type AddOperation, diffAdditions } from "./json-patch.js";
import { isRecord, isUnknownArray } from "./type-guards.js";

export interface MutatePodOptions {
  gatewayUrl: string;
  relayKey: RelayKeyRef | undefined;
}

export interface MutatePodResult {
  patch: AddOperation[];
  /** Distinct variable names added to at least one container, in injection order. */
  injected: string[];
}

export function podAnnotations(pod: unknown): Record<string, unknown> | undefined {
  if (!isRecord(pod) || !isRecord(pod.metadata)) return undefined;
  const annotations = pod.metadata.annotations;
  return isRecord(annotations) ? annotations : undefined;
}

/**
 * Computes the patch that points a selected Pod's containers at the gateway; whether the Pod is selected at all
 * is the caller's decision (see pod-selection.ts). Works on a copy of the raw
 * object and diffs it against the original, so fields this code does not know about are never touched.
 */
export function mutatePod(pod: unknown, options: MutatePodOptions): MutatePodResult {
  const copy: unknown = structuredClone(pod);
  const desired = injectedEnv(options.gatewayUrl, options.relayKey);
  const added = new Set<string>();
  for (const container of selectedContainers(copy)) {
    for (const name of addMissingEnv(container, desired)) added.add(name);
  }
  const injected = desired.map((v) => v.name).filter((name) => added.has(name));
  // The marker is written even when nothing was missing: it says the webhook saw the Pod, and the
  // operator reports selected Pods without it as missed. A marked Pod with nothing missing is left alone.
  const marked = markerOf(pod);
  if (injected.length === 0 && marked !== undefined) return { patch: [], injected: [] };
  markInjected(copy, [...new Set([...(marked ?? []), ...injected])]);
  return { patch: diffAdditions(pod, copy), injected };
}

/** The names an earlier pass recorded, or undefined when the Pod has never been through the webhook. */
function markerOf(pod: unknown): string[] | undefined {
  const value = podAnnotations(pod)?.[ANNOTATION_INJECTED];
  if (typeof value !== "string") return undefined;
  return value.split(",").filter((name) => name !== "");
}

/** Returns the names added. A variable the container defines itself always wins over ours. */
function addMissingEnv(container: Record<string, unknown>, desired: readonly EnvVar[]): string[] {
  const env = container.env;
  // A non-list env is invalid; the API server rejects the Pod after admission, so leave it for that error.
  if (env !== undefined && env !== null && !isUnknownArray(env)) return [];
  const defined = new Set(isUnknownArray(env) ? env.filter(isRecord).map((entry) => entry.name) : []);
  const missing = desired.filter((v) => !defined.has(v.name)).map((v) => structuredClone(v));
  if (missing.length === 0) return [];
  if (isUnknownArray(env)) env.push(...missing);
  else container.env = missing;
  return missing.map((v) => v.name);
}

function markInjected(pod: unknown, injected: readonly string[]): void {
  if (!isRecord(pod) || !isRecord(pod.metadata)) return;
  const { metadata } = pod;
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
  annotations[ANNOTATION_INJECTED] = injected.join(",");
  metadata.annotations = annotations;
}
