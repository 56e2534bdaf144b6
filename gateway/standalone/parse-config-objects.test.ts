import { describe, expect, it } from "vitest";
import { StandaloneConfigError } from "./config-error.js";
import { formatProblem } from "./config-problem.js";
import { parseConfigObjects } from "./parse-config-objects.js";
import type { ConfigDocument } from "./read-config-dir.js";

const doc = (object: unknown, file = "f.yaml"): ConfigDocument => ({ file, object });
const policy = (
  metadata: Record<string, unknown>,
  spec: unknown = { routes: [{ model: "m", targets: [{ providerKeyRef: { name: "p" } }] }] },
) => ({
  apiVersion: "kuberelay.dev/v1alpha1",
  kind: "Policy",
  metadata,
  spec,
});

function problemsOf(docs: ConfigDocument[]): readonly string[] {
  try {
    parseConfigObjects(docs);
  } catch (err) {
    if (err instanceof StandaloneConfigError) return err.problems.map(formatProblem);
    throw err;
  }
  return [];
}

describe("parseConfigObjects", () => {
  it("fills in namespace, uid and generation as the API server would, and schema defaults", () => {
    const out = parseConfigObjects([
      doc(policy({ name: "p" })),
      doc(policy({ name: "q", namespace: "team-a", generation: 4 })),
    ]);
    expect(out.policies.map((p) => p.metadata)).toEqual([
      { name: "p", namespace: "default", uid: "standalone:Policy/default/p", generation: 1 },
      { name: "q", namespace: "team-a", uid: "standalone:Policy/team-a/q", generation: 4 },
    ]);
    expect(out.policies[0]?.spec.routes[0]?.targets[0]?.weight).toBe(1);
  });

  it("names the file, kind, namespace, name and field of an invalid object", () => {
    expect(problemsOf([doc(policy({ name: "p", namespace: "ns" }, { routes: [] }), "pol.yaml")])).toEqual([
      "pol.yaml: Policy ns/p: spec.routes: Too small: expected array to have >=1 items",
    ]);
  });

  it("reports every problem of the directory, not only the first", () => {
    const problems = problemsOf([
      doc("just a string", "a.yaml"),
      doc(policy({}), "b.yaml"),
      doc({ apiVersion: "kuberelay.dev/v1", kind: "Policy", metadata: { name: "x" } }, "c.yaml"),
    ]);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toBe("a.yaml: not a Kubernetes object (a mapping with apiVersion and kind)");
    expect(problems[1]).toMatch(/^b\.yaml: Policy default\/\(no name\): metadata\.name/);
    expect(problems[2]).toMatch(
      /^c\.yaml: Policy default\/x: unknown kind or apiVersion "kuberelay\.dev\/v1"/,
    );
  });

  it("refuses the same object defined twice, naming both places", () => {
    expect(problemsOf([doc(policy({ name: "p" }), "a.yaml"), doc(policy({ name: "p" }), "b.yaml")])).toEqual([
      "b.yaml: Policy default/p: also defined in a.yaml",
    ]);
  });

  it("refuses a RelayKey with secretName: nothing would write its key", () => {
    const rk = {
      apiVersion: "kuberelay.dev/v1alpha1",
      kind: "RelayKey",
      metadata: { name: "app" },
      spec: { policyRef: { name: "p" }, secretName: "app-key" },
    };
    expect(problemsOf([doc(rk, "rk.yaml")])[0]).toMatch(
      /^rk\.yaml: RelayKey default\/app: spec\.secretName: standalone mode/,
    );
  });

  it("reads Secrets from data (base64) and stringData, stringData winning", () => {
    const secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s", namespace: "team-a" },
      data: {
        a: Buffer.from("from-data").toString("base64"),
        b: Buffer.from("overridden").toString("base64"),
      },
      stringData: { b: "from-stringData" },
    };
    const out = parseConfigObjects([doc(secret)]);
    expect(Object.fromEntries(out.secrets.get("team-a/s") ?? [])).toEqual({
      a: "from-data",
      b: "from-stringData",
    });
  });

  it("refuses bad base64 without quoting it", () => {
    const secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s" },
      data: { k: "sk-not-base64!" },
    };
    const problems = problemsOf([doc(secret, "s.yaml")]);
    expect(problems).toEqual(["s.yaml: Secret default/s: data.k: Invalid base64-encoded string"]);
  });

  it("keeps Namespace labels and ignores kinds it does not read", () => {
    const out = parseConfigObjects([
      doc({ apiVersion: "v1", kind: "Namespace", metadata: { name: "team-b", labels: { llm: "yes" } } }),
      doc({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" } }),
      doc({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } }),
    ]);
    expect(out.namespaceLabels.get("team-b")).toEqual({ llm: "yes" });
    expect(out.ignored).toBe(2);
  });
});
