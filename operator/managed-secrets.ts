import type { KubernetesListObject, KubernetesObject, V1ObjectMeta, V1Secret } from "@kubernetes/client-node";
import {
  ANNOTATION_KEY_ISSUED_AT,
  ANNOTATION_PREVIOUS_KEY_EXPIRES_AT,
  ANNOTATION_ROTATION_REQUESTED_AT,
  API_VERSION,
  LABEL_MANAGED_BY,
  LABEL_RELAY_KEY,
  PREVIOUS_RELAY_KEY_SECRET_KEY,
  RELAY_KEY_SECRET_KEY,
} from "../common/names.js";
import { MAX_RELAY_KEY_LENGTH } from "../common/schemas/relay-key.js";

/**
 * The managed-by label that selects the operator's relay-key Secrets can be put on any Secret by
 * anyone who may create one, in any namespace. So the cache keeps only what the operator reads
 * (see relay-key-secret.ts and key-rotation.ts), each part bounded: a few labels and annotations,
 * the controlling RelayKey, and the two keys, only from a Secret a RelayKey controls. Everything
 * else (other data, other annotations, up to 1 MiB each) is dropped before it is stored.
 */
const KEPT_LABELS = [LABEL_MANAGED_BY, LABEL_RELAY_KEY];
const KEPT_ANNOTATIONS = [
  ANNOTATION_KEY_ISSUED_AT,
  ANNOTATION_ROTATION_REQUESTED_AT,
  ANNOTATION_PREVIOUS_KEY_EXPIRES_AT,
];
const KEPT_DATA = [RELAY_KEY_SECRET_KEY, PREVIOUS_RELAY_KEY_SECRET_KEY];
/** Label values are at most 63 characters; our annotations hold RFC 3339 timestamps. */
const MAX_ANNOTATION_LENGTH = 64;
/** base64 of the longest relay key. */
const MAX_ENCODED_KEY_LENGTH = Math.ceil(MAX_RELAY_KEY_LENGTH / 3) * 4;

function pick(
  from: Record<string, string> | undefined,
  keys: readonly string[],
  maxLength: number,
): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const k of keys) {
    const v = from?.[k];
    if (typeof v === "string" && v.length <= maxLength) out[k] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function trimmedMetadata(m: V1ObjectMeta): V1ObjectMeta {
  // The API server allows one controller reference; only a RelayKey's means anything here.
  const controller = m.ownerReferences?.find(
    (o) => o.controller === true && o.kind === "RelayKey" && o.apiVersion === API_VERSION,
  );
  const labels = pick(m.labels, KEPT_LABELS, 63);
  const annotations = pick(m.annotations, KEPT_ANNOTATIONS, MAX_ANNOTATION_LENGTH);
  return {
    name: m.name,
    namespace: m.namespace,
    uid: m.uid,
    resourceVersion: m.resourceVersion,
    creationTimestamp: m.creationTimestamp,
    ...(m.deletionTimestamp ? { deletionTimestamp: m.deletionTimestamp } : {}),
    ...(labels ? { labels } : {}),
    ...(annotations ? { annotations } : {}),
    ...(controller ? { ownerReferences: [controller] } : {}),
  };
}

/** Trims a labelled Secret, in place, to what the operator reads (the informer's transform). */
export function trimManagedSecret(secret: V1Secret): void {
  const metadata = trimmedMetadata(secret.metadata ?? {});
  const data = metadata.ownerReferences ? pick(secret.data, KEPT_DATA, MAX_ENCODED_KEY_LENGTH) : undefined;
  for (const k of Object.keys(secret)) {
    if (k !== "apiVersion" && k !== "kind" && k !== "type") delete (secret as Record<string, unknown>)[k];
  }
  secret.metadata = metadata;
  if (data) secret.data = data;
}

/** A Secret watched only to learn that it changed: its name and version, never its data. */
export function trimToIdentity(secret: V1Secret): void {
  const m = secret.metadata ?? {};
  for (const k of Object.keys(secret)) {
    if (k !== "apiVersion" && k !== "kind") delete (secret as Record<string, unknown>)[k];
  }
  secret.metadata = { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion };
}

/** Objects per list page: a relist of many large labelled Secrets never sits in memory at once. */
export const LIST_PAGE_SIZE = 50;

/**
 * Lists every page, trimming each page's items before the next is fetched. All pages come from
 * one snapshot, so the last page's resourceVersion is the one to watch from.
 */
export async function listTrimmedPages<T extends KubernetesObject>(
  listPage: (cont: string | undefined) => Promise<KubernetesListObject<T>>,
  trim: (item: T) => void,
): Promise<KubernetesListObject<T>> {
  const items: T[] = [];
  let cont: string | undefined;
  for (;;) {
    const page = await listPage(cont);
    for (const item of page.items) {
      trim(item);
      items.push(item);
    }
    cont = page.metadata?._continue || undefined;
    if (cont === undefined) return { ...page, items };
  }
}
