import type { V1Secret } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import {
  ANNOTATION_KEY_ISSUED_AT,
  ANNOTATION_PREVIOUS_KEY_EXPIRES_AT,
  ANNOTATION_ROTATION_REQUESTED_AT,
} from "../common/names.js";
import {
  droppedPreviousBody,
  dueRotation,
  keyIssuedAt,
  nextRotationStep,
  previousKeyOf,
  rotatedAt,
  rotatedSecretBody,
} from "./key-rotation.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");
const T0 = Date.parse("2026-06-01T12:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();
const owner = {
  apiVersion: "kuberelay.dev/v1alpha1",
  kind: "RelayKey",
  name: "app",
  uid: "u1",
  controller: true,
};

const secret = (annotations: Record<string, string> = {}, data: Record<string, string> = {}): V1Secret => ({
  apiVersion: "v1",
  kind: "Secret",
  type: "Opaque",
  metadata: {
    name: "app-key",
    namespace: "team-a",
    resourceVersion: "42",
    creationTimestamp: new Date(T0 - 60_000),
    labels: { "app.kubernetes.io/managed-by": "kuberelay" },
    annotations: { [ANNOTATION_KEY_ISSUED_AT]: iso(T0), ...annotations },
    ownerReferences: [owner],
    managedFields: [{ manager: "kuberelay-operator" }],
  },
  data: { key: b64("krk_old"), ...data },
});

const rotation = (requestedAt: string, gracePeriodSeconds = 3600) => ({ requestedAt, gracePeriodSeconds });

describe("nextRotationStep", () => {
  it("does nothing without a request, or for one not later than the key's issue time", () => {
    expect(nextRotationStep(undefined, secret(), T0)).toEqual({ action: "none" });
    expect(nextRotationStep(rotation(iso(T0)), secret(), T0)).toEqual({ action: "none" });
    expect(nextRotationStep(rotation(iso(T0 - 1000)), secret(), T0)).toEqual({ action: "none" });
  });

  it("rotates for a request later than the issue time, read in any RFC 3339 offset", () => {
    expect(nextRotationStep(rotation("2026-06-01T14:00:01+02:00", 60), secret(), T0 + 5000)).toEqual({
      action: "rotate",
      requestedAt: "2026-06-01T14:00:01+02:00",
      gracePeriodSeconds: 60,
    });
  });

  it("falls back to the Secret's creation time when it predates the issue annotation", () => {
    const old = secret();
    delete old.metadata?.annotations?.[ANNOTATION_KEY_ISSUED_AT];
    expect(keyIssuedAt(old)).toBe(T0 - 60_000);
    expect(nextRotationStep(rotation(iso(T0 - 30_000)), old, T0).action).toBe("rotate");
  });

  it("waits for a request in the future, then answers it once", () => {
    const future = T0 + 86_400_000;
    expect(nextRotationStep(rotation(iso(future)), secret(), T0)).toEqual({ action: "none", wakeAt: future });
    const step = nextRotationStep(rotation(iso(future)), secret(), future);
    if (step.action !== "rotate") throw new Error("expected a rotation");
    const after = rotatedSecretBody(secret(), "krk_new", step, future + 20);
    // Nothing more is due: the only wake-up left is the end of the grace period.
    expect(nextRotationStep(rotation(iso(future)), after, future + 2000)).toEqual({
      action: "none",
      wakeAt: future + 20 + 3_600_000,
    });
    // A later request still counts.
    expect(nextRotationStep(rotation(iso(future + 1000)), after, future + 2000).action).toBe("rotate");
  });

  it("rotates on a schedule: everySeconds after the current key was issued, again and again", () => {
    const every = { everySeconds: 7200, gracePeriodSeconds: 600 };
    expect(nextRotationStep(every, secret(), T0 + 1000)).toEqual({ action: "none", wakeAt: T0 + 7_200_000 });
    expect(dueRotation(every, secret())).toEqual({ at: T0 + 7_200_000, requestedAt: iso(T0 + 7_200_000) });
    const step = nextRotationStep(every, secret(), T0 + 7_200_050);
    expect(step).toEqual({ action: "rotate", requestedAt: iso(T0 + 7_200_000), gracePeriodSeconds: 600 });
    if (step.action !== "rotate") throw new Error("expected a rotation");
    const after = rotatedSecretBody(secret(), "krk_new", step, T0 + 7_200_050);
    // In the grace period the earlier wake-up is its end; the next rotation comes a period later.
    expect(nextRotationStep(every, after, T0 + 7_300_000)).toEqual({
      action: "none",
      wakeAt: T0 + 7_800_050,
    });
    expect(dueRotation(every, after)?.at).toBe(T0 + 14_400_050);
    const dropped = droppedPreviousBody(after);
    expect(nextRotationStep(every, dropped, T0 + 7_900_000)).toEqual({
      action: "none",
      wakeAt: T0 + 14_400_050,
    });
  });

  it("takes the earlier of a requested and a scheduled rotation", () => {
    const both = { requestedAt: iso(T0 + 60_000), everySeconds: 86_400, gracePeriodSeconds: 0 };
    expect(dueRotation(both, secret())).toEqual({ at: T0 + 60_000, requestedAt: iso(T0 + 60_000) });
    const soon = { ...both, everySeconds: 3600, requestedAt: iso(T0 + 7_200_000) };
    expect(dueRotation(soon, secret())?.at).toBe(T0 + 3_600_000);
  });

  it("keeps the previous key until its grace ends, then drops it", () => {
    const inGrace = secret(
      { [ANNOTATION_PREVIOUS_KEY_EXPIRES_AT]: iso(T0 + 10_000), [ANNOTATION_ROTATION_REQUESTED_AT]: iso(T0) },
      { "previous-key": b64("krk_older") },
    );
    expect(nextRotationStep(rotation(iso(T0)), inGrace, T0 + 9_999)).toEqual({
      action: "none",
      wakeAt: T0 + 10_000,
    });
    expect(nextRotationStep(rotation(iso(T0)), inGrace, T0 + 10_000)).toEqual({ action: "drop-previous" });
  });

  it("fails closed on a previous key whose expiry is missing or unreadable", () => {
    const orphan = secret({}, { "previous-key": b64("krk_older") });
    expect(previousKeyOf(orphan)).toBeUndefined();
    expect(nextRotationStep(undefined, orphan, T0)).toEqual({ action: "drop-previous" });
    const garbled = secret({ [ANNOTATION_PREVIOUS_KEY_EXPIRES_AT]: "soon" }, { "previous-key": b64("x") });
    expect(nextRotationStep(undefined, garbled, T0)).toEqual({ action: "drop-previous" });
  });
});

describe("rotatedSecretBody", () => {
  const step = { action: "rotate", requestedAt: iso(T0 + 500), gracePeriodSeconds: 3600 } as const;

  it("writes the new key, keeps the old one until the grace ends, and keeps identity and precondition", () => {
    const body = rotatedSecretBody(secret(), "krk_new", step, T0 + 1000);
    expect(body.data).toEqual({ key: b64("krk_new"), "previous-key": b64("krk_old") });
    expect(body.metadata?.annotations).toEqual({
      [ANNOTATION_KEY_ISSUED_AT]: iso(T0 + 1000),
      [ANNOTATION_ROTATION_REQUESTED_AT]: iso(T0 + 500),
      [ANNOTATION_PREVIOUS_KEY_EXPIRES_AT]: iso(T0 + 1000 + 3_600_000),
    });
    expect(body.metadata?.resourceVersion).toBe("42");
    expect(body.metadata?.ownerReferences).toEqual([owner]);
    expect(body.metadata?.labels).toEqual({ "app.kubernetes.io/managed-by": "kuberelay" });
    expect(body.metadata).not.toHaveProperty("managedFields");
    expect(previousKeyOf(body)).toEqual({ plaintext: "krk_old", expiresAt: T0 + 1000 + 3_600_000 });
    expect(rotatedAt(body)).toBe(T0 + 1000);
    expect(rotatedAt(secret())).toBeUndefined();
  });

  it("with a grace of 0 stops the old key at once", () => {
    const body = rotatedSecretBody(secret(), "krk_new", { ...step, gracePeriodSeconds: 0 }, T0 + 1000);
    expect(body.data).toEqual({ key: b64("krk_new") });
    expect(body.metadata?.annotations).not.toHaveProperty(ANNOTATION_PREVIOUS_KEY_EXPIRES_AT);
  });

  it("keeps one previous key: rotating within a grace period ends the older one", () => {
    const inGrace = secret(
      { [ANNOTATION_PREVIOUS_KEY_EXPIRES_AT]: iso(T0 + 10_000) },
      { "previous-key": b64("krk_oldest") },
    );
    const body = rotatedSecretBody(inGrace, "krk_new", step, T0 + 1000);
    expect(body.data).toEqual({ key: b64("krk_new"), "previous-key": b64("krk_old") });
  });
});

describe("droppedPreviousBody", () => {
  it("removes the previous key and its expiry and nothing else", () => {
    const inGrace = secret(
      { [ANNOTATION_PREVIOUS_KEY_EXPIRES_AT]: iso(T0), [ANNOTATION_ROTATION_REQUESTED_AT]: iso(T0) },
      { "previous-key": b64("krk_older") },
    );
    const body = droppedPreviousBody(inGrace);
    expect(body.data).toEqual({ key: b64("krk_old") });
    expect(body.metadata?.annotations).toEqual({
      [ANNOTATION_KEY_ISSUED_AT]: iso(T0),
      [ANNOTATION_ROTATION_REQUESTED_AT]: iso(T0),
    });
    expect(body.metadata?.resourceVersion).toBe("42");
  });
});
