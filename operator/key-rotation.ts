import type { V1Secret } from "@kubernetes/client-node";
import {
  ANNOTATION_KEY_ISSUED_AT,
  ANNOTATION_PREVIOUS_KEY_EXPIRES_AT,
  ANNOTATION_ROTATION_REQUESTED_AT,
  PREVIOUS_RELAY_KEY_SECRET_KEY,
  RELAY_KEY_SECRET_KEY,
} from "../common/names.js";
import type { RelayKeySpec } from "../common/schemas/relay-key.js";

/**
 * Rotation, decided from two things only: the RelayKey's spec.rotation (the user's request)
 * and the annotations on its Secret (what has been done). The operator never writes spec,
 * so every step is a single Secret write guarded by resourceVersion, and a crash anywhere
 * leaves a state the next reconcile reads and finishes.
 */

export type RotationStep =
  | { action: "rotate"; requestedAt: string; gracePeriodSeconds: number }
  | { action: "drop-previous" }
  | { action: "none"; wakeAt?: number };

/** Milliseconds since the epoch, or undefined for a missing or unreadable timestamp. */
function instant(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value !== "string") return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** When the Secret's current key was written; Secrets from before rotation existed carry no annotation. */
export function keyIssuedAt(secret: V1Secret): number | undefined {
  return (
    instant(secret.metadata?.annotations?.[ANNOTATION_KEY_ISSUED_AT]) ??
    instant(secret.metadata?.creationTimestamp)
  );
}

/**
 * The rotated-out key and until when it works. A previous key without a readable expiry is
 * not honoured: it fails closed, and the next step removes it.
 */
export function previousKeyOf(secret: V1Secret): { plaintext: string; expiresAt: number } | undefined {
  const encoded = secret.data?.[PREVIOUS_RELAY_KEY_SECRET_KEY];
  const expiresAt = instant(secret.metadata?.annotations?.[ANNOTATION_PREVIOUS_KEY_EXPIRES_AT]);
  if (!encoded || expiresAt === undefined) return undefined;
  return { plaintext: Buffer.from(encoded, "base64").toString("utf8"), expiresAt };
}

/** When the current key replaced another, or undefined for a key that was never rotated. */
export function rotatedAt(secret: V1Secret): number | undefined {
  if (secret.metadata?.annotations?.[ANNOTATION_ROTATION_REQUESTED_AT] === undefined) return undefined;
  return keyIssuedAt(secret);
}

/**
 * When the next rotation is due, and the request it answers (recorded on the Secret):
 * - a requestedAt counts when it is later than both the current key's issue time and the
 *   request last answered, so it rotates once, and a future one waits for its instant;
 * - everySeconds is due that long after the current key was issued.
 * The earlier of the two wins.
 */
export function dueRotation(
  rotation: RelayKeySpec["rotation"],
  secret: V1Secret,
): { at: number; requestedAt: string } | undefined {
  if (!rotation) return undefined;
  const issued = keyIssuedAt(secret);
  const due: Array<{ at: number; requestedAt: string }> = [];
  const requested = instant(rotation.requestedAt);
  if (rotation.requestedAt !== undefined && requested !== undefined) {
    const answered = instant(secret.metadata?.annotations?.[ANNOTATION_ROTATION_REQUESTED_AT]);
    const after = Math.max(issued ?? Number.POSITIVE_INFINITY, answered ?? Number.NEGATIVE_INFINITY);
    if (requested > after) due.push({ at: requested, requestedAt: rotation.requestedAt });
  }
  if (rotation.everySeconds !== undefined && issued !== undefined) {
    const at = issued + rotation.everySeconds * 1000;
    due.push({ at, requestedAt: new Date(at).toISOString() });
  }
  return due.sort((a, b) => a.at - b.at)[0];
}

export function nextRotationStep(
  rotation: RelayKeySpec["rotation"],
  secret: V1Secret,
  now: number,
): RotationStep {
  const due = dueRotation(rotation, secret);
  if (rotation && due && due.at <= now) {
    return {
      action: "rotate",
      requestedAt: due.requestedAt,
      gracePeriodSeconds: rotation.gracePeriodSeconds,
    };
  }
  const wake = (at: number | undefined): RotationStep => {
    const next = Math.min(at ?? Number.POSITIVE_INFINITY, due?.at ?? Number.POSITIVE_INFINITY);
    return Number.isFinite(next) ? { action: "none", wakeAt: next } : { action: "none" };
  };
  if (secret.data?.[PREVIOUS_RELAY_KEY_SECRET_KEY] === undefined) return wake(undefined);
  const previous = previousKeyOf(secret);
  if (!previous || previous.expiresAt <= now) return { action: "drop-previous" };
  return wake(previous.expiresAt);
}

/** The Secret as it will be written back: identity, ownership and the resourceVersion precondition kept. */
function rewritten(
  secret: V1Secret,
  data: Record<string, string>,
  annotations: Record<string, string>,
): V1Secret {
  const m = secret.metadata ?? {};
  return {
    apiVersion: "v1",
    kind: "Secret",
    type: secret.type ?? "Opaque",
    metadata: {
      name: m.name,
      namespace: m.namespace,
      resourceVersion: m.resourceVersion,
      ...(m.labels ? { labels: m.labels } : {}),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      ...(m.ownerReferences ? { ownerReferences: m.ownerReferences } : {}),
    },
    data,
  };
}

function withoutPrevious(secret: V1Secret): {
  data: Record<string, string>;
  annotations: Record<string, string>;
} {
  const { [PREVIOUS_RELAY_KEY_SECRET_KEY]: _key, ...data } = secret.data ?? {};
  const { [ANNOTATION_PREVIOUS_KEY_EXPIRES_AT]: _at, ...annotations } = secret.metadata?.annotations ?? {};
  return { data, annotations };
}

/**
 * One write that installs the new key, keeps the current one as the previous key until the
 * grace period ends (a grace of 0 drops it at once), and records which request it answers.
 * Only one previous key is kept: rotating again within a grace period ends the older one.
 */
export function rotatedSecretBody(
  secret: V1Secret,
  newPlaintext: string,
  step: Extract<RotationStep, { action: "rotate" }>,
  now: number,
): V1Secret {
  const base = withoutPrevious(secret);
  const current = secret.data?.[RELAY_KEY_SECRET_KEY];
  const data: Record<string, string> = {
    ...base.data,
    [RELAY_KEY_SECRET_KEY]: Buffer.from(newPlaintext, "utf8").toString("base64"),
  };
  const annotations: Record<string, string> = {
    ...base.annotations,
    [ANNOTATION_KEY_ISSUED_AT]: new Date(now).toISOString(),
    [ANNOTATION_ROTATION_REQUESTED_AT]: step.requestedAt,
  };
  if (current && step.gracePeriodSeconds > 0) {
    data[PREVIOUS_RELAY_KEY_SECRET_KEY] = current;
    annotations[ANNOTATION_PREVIOUS_KEY_EXPIRES_AT] = new Date(
      now + step.gracePeriodSeconds * 1000,
    ).toISOString();
  }
  return rewritten(secret, data, annotations);
}

/** The write that ends a grace period: the previous key leaves the Secret. */
export function droppedPreviousBody(secret: V1Secret): V1Secret {
  const { data, annotations } = withoutPrevious(secret);
  return rewritten(secret, data, annotations);
}
