import { describe, expect, it } from "vitest";
import { buildAdmissionResponse, parseAdmissionReview } from "./admission-review.js";

function review(request: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: "705ab4f5-6393-11e8-b7cc-42010a800002",
      kind: { group: "", version: "v1", kind: "Pod" },
      resource: { group: "", version: "v1", resource: "pods" },
      namespace: "team-a",
      operation: "CREATE",
      object: { metadata: { name: "p" } },
      ...request,
    },
  };
}

describe("parseAdmissionReview", () => {
  it("accepts a Pod CREATE and passes the raw object through by reference", () => {
    const object = { metadata: { name: "p" }, spec: { unknownField: 1 } };
    const parsed = parseAdmissionReview(review({ object, dryRun: true }));
    expect(parsed).toEqual({
      ok: true,
      request: { uid: "705ab4f5-6393-11e8-b7cc-42010a800002", namespace: "team-a", object, dryRun: true },
    });
    expect(parsed.ok && parsed.request.object).toBe(object);
  });

  it("refuses garbage without throwing", () => {
    for (const body of [undefined, null, "x", 42, [], {}, { kind: "AdmissionReview" }]) {
      const parsed = parseAdmissionReview(body);
      expect(parsed.ok).toBe(false);
      expect(parsed.ok ? "" : parsed.uid).toBeUndefined();
    }
  });

  it("keeps the uid of a malformed review", () => {
    const parsed = parseAdmissionReview({ apiVersion: "admission.k8s.io/v1beta1", request: { uid: "u-1" } });
    expect(parsed).toMatchObject({ ok: false, uid: "u-1" });
  });

  it("skips anything that is not a Pod CREATE", () => {
    const cases = [
      review({ operation: "UPDATE" }),
      review({ kind: { group: "apps", version: "v1", kind: "Deployment" } }),
      review({ subResource: "ephemeralcontainers" }),
      { ...review({}), kind: "SomethingElse" },
    ];
    for (const body of cases) {
      expect(parseAdmissionReview(body)).toMatchObject({
        ok: false,
        uid: "705ab4f5-6393-11e8-b7cc-42010a800002",
      });
    }
  });
});

describe("buildAdmissionResponse", () => {
  it("allows without a patch when there are no operations", () => {
    expect(buildAdmissionResponse("u-1", { patch: [], warnings: [] })).toEqual({
      apiVersion: "admission.k8s.io/v1",
      kind: "AdmissionReview",
      response: { uid: "u-1", allowed: true },
    });
  });

  it("answers a review without a uid with an empty uid", () => {
    expect(buildAdmissionResponse(undefined).response).toEqual({ uid: "", allowed: true });
  });

  it("base64-encodes the patch and passes warnings", () => {
    const patch = [{ op: "add" as const, path: "/a", value: 1 }];
    const { response } = buildAdmissionResponse("u-2", { patch, warnings: ["careful"] });
    expect(response.patchType).toBe("JSONPatch");
    expect(JSON.parse(Buffer.from(response.patch ?? "", "base64").toString("utf8"))).toEqual(patch);
    expect(response.warnings).toEqual(["careful"]);
  });
});
