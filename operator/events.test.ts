import type { EventsV1Event } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { generateRelayKey, hashRelayKey, relayKeyPrefix } from "../common/crypto/relay-key.js";
import { createLogger } from "../common/log.js";
import { hasGeneratedKey, relayKeySchema } from "../common/schemas/relay-key.js";
import {
  currentReady,
  EventRecorder,
  keyIssued,
  keyRotated,
  previousKeyRevoked,
  REPORTING_CONTROLLER,
  readyTurnedFalse,
} from "./events.js";
import { relayKeySecretBody } from "./relay-key-secret.js";

const log = createLogger("test", { sink: () => {} });

const relayKey = relayKeySchema.parse({
  apiVersion: "kuberelay.dev/v1alpha1",
  kind: "RelayKey",
  metadata: { name: "app", namespace: "team-a", uid: "uid-1", generation: 1 },
  spec: { policyRef: { name: "default" }, secretName: "app-relay-key" },
});

function capture(): { bodies: EventsV1Event[]; recorder: EventRecorder } {
  const bodies: EventsV1Event[] = [];
  const recorder = new EventRecorder(
    async (_ns, body) => {
      bodies.push(body);
    },
    log,
    "operator-0_abcd",
  );
  return { bodies, recorder };
}

describe("operator events", () => {
  it("KeyIssued names the Secret and never carries the key", async () => {
    if (!hasGeneratedKey(relayKey)) throw new Error("fixture must generate its key");
    const planted = generateRelayKey();
    const secret = relayKeySecretBody(relayKey, planted);
    const { bodies, recorder } = capture();
    await recorder.record("RelayKey", relayKey, keyIssued(secret.metadata?.name ?? ""));
    await recorder.record("RelayKey", relayKey, {
      type: "Warning",
      reason: "SecretConflict",
      action: "Reconcile",
      note: 'Secret "app-relay-key" exists and is not owned by this RelayKey',
    });
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toMatchObject({
      type: "Normal",
      reason: "KeyIssued",
      reportingController: REPORTING_CONTROLLER,
      reportingInstance: "operator-0_abcd",
      regarding: { kind: "RelayKey", name: "app", namespace: "team-a", uid: "uid-1" },
      metadata: { namespace: "team-a" },
    });
    const wire = JSON.stringify(bodies);
    expect(wire).not.toContain(planted);
    expect(wire).not.toContain(Buffer.from(planted).toString("base64"));
  });

  it("KeyRotated and PreviousKeyRevoked show key prefixes and times, never a key or its hash", async () => {
    const old = generateRelayKey();
    const { bodies, recorder } = capture();
    await recorder.record(
      "RelayKey",
      relayKey,
      keyRotated("app-relay-key", relayKeyPrefix(old), "2026-06-01T13:00:00.000Z"),
    );
    await recorder.record("RelayKey", relayKey, keyRotated("app-relay-key", relayKeyPrefix(old), undefined));
    await recorder.record("RelayKey", relayKey, previousKeyRevoked("app-relay-key", relayKeyPrefix(old)));
    expect(bodies.map((b) => b.reason)).toEqual(["KeyRotated", "KeyRotated", "PreviousKeyRevoked"]);
    expect(bodies[0]?.note).toBe(
      `Secret "app-relay-key" holds a new relay key; the previous key (${old.slice(0, 8)}…) works until 2026-06-01T13:00:00.000Z`,
    );
    expect(bodies[1]?.note).toMatch(/stopped at once/);
    const wire = JSON.stringify(bodies);
    for (const secret of [old, Buffer.from(old).toString("base64"), hashRelayKey(old)]) {
      expect(wire).not.toContain(secret);
    }
  });

  it("a failing event write is logged, never thrown", async () => {
    const lines: string[] = [];
    const recorder = new EventRecorder(
      async () => {
        throw Object.assign(new Error("forbidden"), { code: 403 });
      },
      createLogger("test", { sink: (l) => lines.push(l) }),
      "x",
    );
    await expect(recorder.record("RelayKey", relayKey, keyIssued("app-relay-key"))).resolves.toBeUndefined();
    expect(lines.join("")).toContain("event not recorded");
  });

  it("warns when Ready turns False, once", () => {
    const notReady = {
      type: "Ready",
      status: "False" as const,
      reason: "PolicyNotFound",
      message: "no Policy",
    };
    const ready = { ...notReady, status: "True" as const, reason: "Ready", message: "" };
    expect(readyTurnedFalse("True", [notReady])).toEqual({
      type: "Warning",
      reason: "PolicyNotFound",
      action: "Reconcile",
      note: "no Policy",
    });
    expect(readyTurnedFalse(undefined, [notReady])?.reason).toBe("PolicyNotFound");
    expect(readyTurnedFalse("False", [notReady])).toBeUndefined();
    expect(readyTurnedFalse(undefined, [ready])).toBeUndefined();
  });

  it("reads the current Ready status from an unvalidated object", () => {
    expect(currentReady({ status: { conditions: [{ type: "Ready", status: "False" }] } })).toBe("False");
    expect(currentReady({ status: { conditions: "junk" } })).toBeUndefined();
    expect(currentReady({})).toBeUndefined();
  });
});
