import { describe, expect, it } from "vitest";
import { pruneManagedFields, writerOf } from "./managed-fields.js";

const entry = (manager: string, time: string, fieldsV1: object, extra: object = {}) => ({
  manager,
  operation: "Update",
  apiVersion: "kuberelay.dev/v1alpha1",
  time,
  fieldsType: "FieldsV1",
  fieldsV1,
  ...extra,
});

const paths = [["spec"], ["spec", "disabled"]];

describe("pruneManagedFields and writerOf", () => {
  it("names the newest owner of a field, and the oldest writer of the spec", () => {
    const kept = pruneManagedFields(
      [
        entry("kubectl-client-side-apply", "2026-12-01T10:00:00Z", {
          "f:metadata": { "f:annotations": {} },
          "f:spec": { "f:policyRef": { "f:name": {} }, "f:secretName": {} },
        }),
        entry("kubectl-patch", "2026-12-02T10:00:00Z", { "f:spec": { "f:disabled": {} } }),
        // The operator's status writes never own a spec field.
        entry("kuberelay-operator", "2026-12-03T10:00:00Z", { "f:status": {} }, { subresource: "status" }),
      ],
      paths,
    );
    expect(kept.map((e) => e.manager)).toEqual(["kubectl-patch", "kubectl-client-side-apply"]);
    // Only the audited paths are kept, not the whole tree.
    expect(kept[1]?.fieldsV1).toEqual({ "f:spec": {} });
    expect(writerOf(kept, ["spec", "disabled"])).toEqual({
      manager: "kubectl-patch",
      operation: "Update",
      time: "2026-12-02T10:00:00.000Z",
    });
    expect(writerOf(kept, ["spec"], "oldest")?.manager).toBe("kubectl-client-side-apply");
  });

  it("says nothing when managedFields are missing or malformed", () => {
    for (const bad of [
      undefined,
      null,
      "x",
      42,
      {},
      [null, 1, "s", { manager: 5 }, { manager: "m", fieldsV1: "no" }],
    ]) {
      expect(pruneManagedFields(bad, paths)).toEqual([]);
    }
    expect(writerOf(undefined, ["spec"])).toBeUndefined();
    const noTime = pruneManagedFields(
      [{ manager: "m", fieldsV1: { "f:spec": { "f:disabled": {} } } }],
      paths,
    );
    expect(writerOf(noTime, ["spec", "disabled"])).toEqual({ manager: "m", operation: "" });
  });

  it("keeps at most 16 entries from thousands of managers, newest first, and cuts long names", () => {
    const many = Array.from({ length: 5000 }, (_, i) =>
      entry(`m-${i}-${"x".repeat(300)}`, new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(), {
        "f:spec": { "f:disabled": {}, "f:other": { "f:deep": { "f:deeper": {} } } },
      }),
    );
    const started = performance.now();
    const kept = pruneManagedFields(many, paths);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(kept).toHaveLength(16);
    expect(kept[0]?.manager?.startsWith("m-4999-")).toBe(true);
    expect(kept.every((e) => (e.manager ?? "").length <= 128)).toBe(true);
    expect(JSON.stringify(kept)).not.toContain("f:other");
  });

  it("does not follow inherited keys of a hostile fieldsV1", () => {
    const kept = pruneManagedFields(
      [entry("m", "2026-12-01T00:00:00Z", { "f:spec": Object.create({ "f:disabled": {} }) })],
      paths,
    );
    expect(writerOf(kept, ["spec", "disabled"])).toBeUndefined();
  });
});
