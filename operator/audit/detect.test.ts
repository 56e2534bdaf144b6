import type { KubernetesObject, V1Secret } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { ANNOTATION_KEY_ISSUED_AT, ANNOTATION_ROTATION_REQUESTED_AT } from "../../common/names.js";
import type { AuditRecord } from "./audit-record.js";
import { detectChanges, type KnownObject, nextKnown } from "./detect.js";
import { type ObservedObject, observePolicy, observeProviderKey, observeRelayKey } from "./observed.js";

const AT = "2026-12-06T12:00:00.000Z";
const fields = (manager: string, time: string, fieldsV1: object, operation = "Update") => ({
  manager,
  operation,
  time,
  fieldsType: "FieldsV1",
  fieldsV1,
});

function relayKey(
  spec: object,
  opts: { generation?: number; status?: object; managedFields?: unknown[] } = {},
) {
  return {
    apiVersion: "kuberelay.dev/v1alpha1",
    kind: "RelayKey",
    metadata: {
      name: "app",
      namespace: "team-a",
      uid: "uid-rk",
      generation: opts.generation ?? 1,
      creationTimestamp: "2026-12-06T11:00:00Z",
      managedFields: opts.managedFields ?? [
        fields("kubectl-client-side-apply", "2026-12-06T11:00:00Z", { "f:spec": { "f:policyRef": {} } }),
      ],
    },
    spec: { policyRef: { name: "default" }, secretName: "app-key", ...spec },
    ...(opts.status ? { status: opts.status } : {}),
  } as unknown as KubernetesObject;
}

/** Runs a sequence of looks through detect and memory, as the auditor does. */
function looks(objects: Array<ObservedObject | undefined>, start?: KnownObject): AuditRecord[] {
  let known = start;
  const out: AuditRecord[] = [];
  for (const o of objects) {
    out.push(...detectChanges(known, o, AT));
    known = o ? nextKnown(known, o) : undefined;
  }
  return out;
}

const rk = (...args: Parameters<typeof relayKey>) => observeRelayKey(relayKey(...args), undefined);

describe("detectChanges", () => {
  it("records a new RelayKey as created by its first writer, and nothing on the next look", () => {
    const first = rk({});
    const records = looks([first, first]);
    expect(records).toEqual([
      {
        kind: "RelayKey",
        namespace: "team-a",
        name: "app",
        uid: "uid-rk",
        action: "created",
        marker: "",
        occurredAt: "2026-12-06T11:00:00.000Z",
        actor: {
          manager: "kubectl-client-side-apply",
          operation: "Update",
          time: "2026-12-06T11:00:00.000Z",
        },
        actorSource: "field-owner",
        detail: { disabled: false },
      },
    ]);
  });

  it("takes an object the operator already reconciled as it is: after a restart nothing is created again", () => {
    expect(looks([rk({}, { status: { observedGeneration: 1 } })])).toEqual([]);
  });

  it("disable and enable again, each with the manager that wrote spec.disabled and its generation", () => {
    const patched = [
      fields("kubectl-client-side-apply", "2026-12-06T11:00:00Z", { "f:spec": { "f:policyRef": {} } }),
      fields("ops-oncall", "2026-12-06T11:30:00Z", { "f:spec": { "f:disabled": {} } }, "Apply"),
    ];
    const records = looks([
      rk({}),
      rk({ disabled: true }, { generation: 2, managedFields: patched }),
      rk({ disabled: false }, { generation: 3, managedFields: patched }),
    ]);
    expect(records.map((r) => [r.action, r.marker, r.actor?.manager, r.actor?.operation])).toEqual([
      ["created", "", "kubectl-client-side-apply", "Update"],
      ["disabled", "generation:2", "ops-oncall", "Apply"],
      ["enabled", "generation:3", "ops-oncall", "Apply"],
    ]);
  });

  it("a removed spec.disabled has no owner: the newest spec writer stands in, and says it is a guess", () => {
    const records = looks([
      rk({ disabled: true }, { status: { observedGeneration: 1 } }),
      rk({}, { generation: 2 }),
    ]);
    expect(records).toMatchObject([{ action: "enabled", actorSource: "spec-writer" }]);
  });

  it("without managedFields the actor is unknown, not invented", () => {
    const records = looks([
      rk({}, { managedFields: [] }),
      rk({ disabled: true }, { generation: 2, managedFields: [] }),
    ]);
    expect(records.map((r) => [r.action, r.actor, r.actorSource])).toEqual([
      ["created", undefined, "unknown"],
      ["disabled", undefined, "unknown"],
    ]);
  });

  it("a rotation on request names who asked; one on schedule names the operator; the rotation time is the marker", () => {
    const secret = (requested: string, issued: string): V1Secret => ({
      metadata: {
        annotations: { [ANNOTATION_ROTATION_REQUESTED_AT]: requested, [ANNOTATION_KEY_ISSUED_AT]: issued },
      },
    });
    const asked = [
      fields("kubectl-client-side-apply", "2026-12-06T11:00:00Z", { "f:spec": { "f:policyRef": {} } }),
      fields("rotator", "2026-12-06T11:59:00Z", { "f:spec": { "f:rotation": { "f:requestedAt": {} } } }),
    ];
    const requestedAt = "2026-12-06T11:59:00Z";
    const spec = { rotation: { requestedAt, gracePeriodSeconds: 60 } };
    const records = looks([
      observeRelayKey(relayKey(spec, { status: { observedGeneration: 1 }, managedFields: asked }), undefined),
      observeRelayKey(relayKey(spec, { managedFields: asked }), secret(requestedAt, "2026-12-06T11:59:01Z")),
      // everySeconds: the operator rotated on its own.
      observeRelayKey(
        relayKey(spec, { managedFields: asked }),
        secret("2026-12-07T11:59:01.000Z", "2026-12-07T11:59:02Z"),
      ),
    ]);
    expect(records.map((r) => [r.action, r.marker, r.actor?.manager, r.actorSource])).toEqual([
      ["rotated", "2026-12-06T11:59:01.000Z", "rotator", "field-owner"],
      ["rotated", "2026-12-07T11:59:02.000Z", "kuberelay-operator", "operator"],
    ]);
  });

  it("a Policy flipping its content mode twice: two records, from and to, each on its own generation", () => {
    const policy = (mode: string | undefined, generation: number) =>
      observePolicy({
        metadata: {
          name: "p",
          namespace: "team-a",
          uid: "uid-p",
          generation,
          managedFields: [
            fields("argocd-controller", "2026-12-06T11:00:00Z", {
              "f:spec": { "f:content": { "f:mode": {} } },
            }),
          ],
        },
        status: { observedGeneration: 1 },
        spec: mode === undefined ? {} : { content: { mode } },
      } as unknown as KubernetesObject);
    const records = looks([policy(undefined, 1), policy("encrypted", 2), policy("off", 3), policy("off", 4)]);
    expect(records.map((r) => [r.action, r.marker, r.detail, r.actor?.manager])).toEqual([
      ["content_mode_changed", "generation:2", { from: "off", to: "encrypted" }, "argocd-controller"],
      ["content_mode_changed", "generation:3", { from: "encrypted", to: "off" }, "argocd-controller"],
    ]);
    // A mode the schema does not know is not compared (nor written anywhere).
    expect(looks([policy("off", 1), policy("<script>", 2)])).toEqual([]);
  });

  it("a ProviderKey's credential: a new value in the same Secret, or another Secret, by names only", () => {
    const pk = (ref: object | undefined, generation = 1) => ({
      metadata: { name: "openai", namespace: "platform", uid: "uid-pk", generation },
      status: { observedGeneration: 1 },
      spec: { provider: "openai", credentials: ref ? { secretKeyRef: ref } : { ambient: true } },
    });
    const read = (seen: string, rv: string) => () => ({
      seen,
      resourceVersion: rv,
      writers: [
        {
          manager: "external-secrets",
          operation: "Update",
          time: new Date("2026-12-06T11:45:00Z"),
          fieldsV1: { "f:data": { "f:apiKey": {} } },
        },
      ],
    });
    const ref = { name: "upstream", key: "apiKey" };
    const records = looks([
      observeProviderKey(pk(ref), read("fp-1", "100")),
      observeProviderKey(pk(ref), read("fp-1", "101")), // a label changed: same value
      observeProviderKey(pk(ref), read("fp-2", "102")),
      observeProviderKey(pk(ref), () => undefined), // not read this time: remembered, no change
      observeProviderKey(pk(ref), read("fp-2", "102")),
      observeProviderKey(pk({ name: "upstream-v2", key: "token" }, 2), read("fp-3", "7")),
      observeProviderKey(pk(undefined, 3), () => undefined),
    ]);
    expect(records.map((r) => [r.action, r.marker, r.detail, r.actor?.manager ?? null])).toEqual([
      ["credential_changed", "secret:102", { secret: "upstream", key: "apiKey" }, "external-secrets"],
      [
        "credential_changed",
        "generation:2",
        { secret: "upstream-v2", key: "token", previousSecret: "upstream", previousKey: "apiKey" },
        null,
      ],
      ["credential_changed", "generation:3", { previousSecret: "upstream-v2", previousKey: "token" }, null],
    ]);
  });

  it("a credential not known before (after a restart) or gone now records nothing", () => {
    const pk = {
      metadata: { name: "o", namespace: "p", uid: "u", generation: 1 },
      spec: { credentials: { secretKeyRef: { name: "s", key: "k" } } },
    };
    const known: KnownObject = {
      kind: "ProviderKey",
      namespace: "p",
      name: "o",
      uid: "u",
      state: { credential: { secret: "s", key: "k" } },
      deleted: false,
    };
    const seen = (s: string) => () => ({ seen: s, writers: [] });
    expect(looks([observeProviderKey(pk, seen("fp-a"))], known)).toEqual([]);
    expect(
      looks([observeProviderKey(pk, seen("fp-a")), observeProviderKey(pk, seen("missing"))], known),
    ).toEqual([]);
  });

  it("a deletion once, when it starts (finalizers) or when the object is gone, with no actor", () => {
    const deleting = observeRelayKey(
      {
        ...relayKey({}, { status: { observedGeneration: 1 } }),
        metadata: { ...relayKey({}).metadata, deletionTimestamp: new Date("2026-12-06T11:50:00Z") },
      },
      undefined,
    );
    const records = looks([rk({}, { status: { observedGeneration: 1 } }), deleting, deleting, undefined]);
    expect(records).toMatchObject([
      { action: "deleted", marker: "", occurredAt: "2026-12-06T11:50:00.000Z", actorSource: "unknown" },
    ]);
    expect(records[0]?.actor).toBeUndefined();
    expect(looks([rk({}, { status: { observedGeneration: 1 } }), undefined])).toMatchObject([
      { action: "deleted", occurredAt: AT },
    ]);
  });

  it("odd objects: no uid or name is skipped; wrong types and long names are bounded", () => {
    expect(
      observeRelayKey({ metadata: { name: "x" } } as unknown as KubernetesObject, undefined),
    ).toBeUndefined();
    expect(observePolicy({} as KubernetesObject)).toBeUndefined();
    const odd = observeRelayKey(
      {
        metadata: { name: "n".repeat(10_000), uid: "u", generation: "7" },
        spec: { disabled: "yes", rotation: 5 },
      } as unknown as KubernetesObject,
      undefined,
    );
    expect(odd?.name).toHaveLength(253);
    expect(odd?.generation).toBe(0);
    expect(odd?.state.disabled).toBe(false);
    const pk = observeProviderKey(
      {
        metadata: { name: "p", uid: "u" },
        spec: { credentials: { secretKeyRef: { name: ["a"], key: {} } } },
      } as unknown as KubernetesObject,
      () => {
        throw new Error("not asked for a ref that is no name");
      },
    );
    expect(pk?.state).toEqual({});
  });
});
