import { CoreV1Api, type KubeConfig, type V1Secret } from "@kubernetes/client-node";
import { generateRelayKey, relayKeyPrefix } from "../common/crypto/relay-key.js";
import type { Logger } from "../common/log.js";
import type { GeneratedRelayKey } from "../common/schemas/relay-key.js";
import { type EventRecorder, keyRotated, previousKeyRevoked } from "./events.js";
import {
  droppedPreviousBody,
  dueRotation,
  nextRotationStep,
  previousKeyOf,
  rotatedSecretBody,
} from "./key-rotation.js";
import { plaintextFromOwnedSecret } from "./relay-key-secret.js";

export interface RotationContext {
  kc: KubeConfig;
  log: Logger;
  events: EventRecorder | undefined;
}

/**
 * Takes the one rotation step due for a RelayKey's owned Secret, as a single replace carrying
 * the cached resourceVersion: from a stale cache (the previous write not yet seen) it gets a
 * conflict, which the work queue retries once the cache has caught up, so a request never
 * rotates twice. Returns when to look again (the end of a grace period), if ever.
 *
 * The cache holds a trimmed copy (managed-secrets.ts), so the body is built from the Secret as
 * read now, which must still be the version the step was decided on: whatever else its owner
 * keeps in it survives the replace.
 */
export async function rotateRelayKey(
  ctx: RotationContext,
  rk: GeneratedRelayKey,
  secret: V1Secret,
  now = Date.now(),
): Promise<{ wakeAt?: number }> {
  const step = nextRotationStep(rk.spec.rotation, secret, now);
  if (step.action === "none") return step.wakeAt === undefined ? {} : { wakeAt: step.wakeAt };
  const core = ctx.kc.makeApiClient(CoreV1Api);
  const where = { name: rk.spec.secretName, namespace: rk.metadata.namespace };
  const live = await core.readNamespacedSecret(where);
  if (live.metadata?.resourceVersion !== secret.metadata?.resourceVersion) {
    throw new Error(`Secret ${where.namespace}/${where.name} changed since it was cached; retrying`);
  }
  const body =
    step.action === "rotate"
      ? rotatedSecretBody(live, generateRelayKey(), step, now)
      : droppedPreviousBody(live);
  await core.replaceNamespacedSecret({ ...where, body });

  const id = `${rk.metadata.namespace}/${rk.metadata.name}`;
  if (step.action === "rotate") {
    const current = plaintextFromOwnedSecret(secret, rk.metadata.uid);
    const until = previousKeyOf(body)?.expiresAt;
    const untilText = until === undefined ? undefined : new Date(until).toISOString();
    ctx.log.info("relay key rotated", { relayKey: id, previousKeyExpiresAt: untilText ?? "now" });
    await ctx.events?.record(
      "RelayKey",
      rk,
      keyRotated(rk.spec.secretName, current ? relayKeyPrefix(current) : undefined, untilText),
    );
    const next = Math.min(
      until ?? Number.POSITIVE_INFINITY,
      dueRotation(rk.spec.rotation, body)?.at ?? Number.POSITIVE_INFINITY,
    );
    return Number.isFinite(next) ? { wakeAt: next } : {};
  }
  const previous = previousKeyOf(secret);
  ctx.log.info("previous relay key revoked", { relayKey: id });
  await ctx.events?.record(
    "RelayKey",
    rk,
    previousKeyRevoked(rk.spec.secretName, previous ? relayKeyPrefix(previous.plaintext) : undefined),
  );
  // A scheduled rotation may still be ahead.
  const due = dueRotation(rk.spec.rotation, body);
  return due === undefined ? {} : { wakeAt: due.at };
}
