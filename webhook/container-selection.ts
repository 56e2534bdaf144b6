import { ANNOTATION_CONTAINERS } from "./selectors.js";
import { isRecord, isUnknownArray } from "./type-guards.js";

/**
 * The containers of a (mutable copy of a) Pod that get the env: those the containers annotation names, init
 * containers included, or else every app container. Init containers are opt-in because they usually run
 * setup tools that have no business holding an LLM key.
 */
export function selectedContainers(pod: unknown): Record<string, unknown>[] {
  if (!isRecord(pod) || !isRecord(pod.spec)) return [];
  const containers = recordsOf(pod.spec.containers);
  const names = namedContainers(pod);
  if (names === undefined) return containers;
  return [...recordsOf(pod.spec.initContainers), ...containers].filter(
    (container) => typeof container.name === "string" && names.has(container.name),
  );
}

/** `undefined` when the annotation is absent; an empty set (inject nowhere) when it names nothing. */
function namedContainers(pod: Record<string, unknown>): Set<string> | undefined {
  const metadata = isRecord(pod.metadata) ? pod.metadata : {};
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
  const value = annotations[ANNOTATION_CONTAINERS];
  if (typeof value !== "string") return undefined;
  return new Set(
    value
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name !== ""),
  );
}

function recordsOf(value: unknown): Record<string, unknown>[] {
  return isUnknownArray(value) ? value.filter(isRecord) : [];
}
