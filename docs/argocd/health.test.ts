/**
 * The Argo CD health check in docs/gitops.md, run with Lua 5.1 (what gopher-lua implements) on
 * sample objects of each kind, and the doc's copy compared with the file it is made from.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { API_VERSION } from "../../common/names.js";
import { HEALTH_LUA_PATH, healthLua, runHealthCheck } from "./run-health.js";

const KINDS = ["RelayKey", "ProviderKey", "Policy"] as const;
const T = "2026-01-01T00:00:00Z";

function object(kind: string, generation: number, status?: unknown) {
  return {
    apiVersion: API_VERSION,
    kind,
    metadata: { name: "sample", namespace: "team-a", generation },
    spec: {},
    ...(status === undefined ? {} : { status }),
  };
}

const ready = (
  status: "True" | "False" | "Unknown",
  reason: string,
  message: string,
  observedGeneration = 2,
) => ({
  type: "Ready",
  status,
  reason,
  message,
  observedGeneration,
  lastTransitionTime: T,
});

describe.each(KINDS)("Argo CD health of a %s", (kind) => {
  it("is Healthy when Ready is True for the current generation", () => {
    const health = runHealthCheck(
      object(kind, 2, { observedGeneration: 2, conditions: [ready("True", "Ready", "")] }),
    );
    expect(health).toEqual({ status: "Healthy", message: "Ready" });
  });

  it("is Degraded with the reason and message when Ready is False", () => {
    const message = 'spec.routes[0].targets[0].providerKeyRef: ProviderKey "team-a/openai" not found';
    const status = {
      observedGeneration: 2,
      conditions: [
        {
          type: "ResolvedRefs",
          status: "False",
          reason: "ProviderKeyNotFound",
          message,
          lastTransitionTime: T,
        },
        ready("False", "ProviderKeyNotFound", message),
      ],
    };
    expect(runHealthCheck(object(kind, 2, status))).toEqual({
      status: "Degraded",
      message: `ProviderKeyNotFound: ${message}`,
    });
  });

  it("is Progressing before the operator wrote any status", () => {
    expect(runHealthCheck(object(kind, 1)).status).toBe("Progressing");
    expect(runHealthCheck(object(kind, 1, {})).status).toBe("Progressing");
    expect(runHealthCheck(object(kind, 1, { observedGeneration: 1, conditions: [] })).status).toBe(
      "Progressing",
    );
  });

  it("is Progressing while observedGeneration lags the spec, even if the old status said Ready", () => {
    const health = runHealthCheck(
      object(kind, 3, { observedGeneration: 2, conditions: [ready("True", "Ready", "")] }),
    );
    expect(health).toEqual({
      status: "Progressing",
      message: "Waiting for the kuberelay operator to reconcile generation 3",
    });
    // A status from before observedGeneration was written at all.
    expect(runHealthCheck(object(kind, 3, { conditions: [ready("True", "Ready", "")] })).status).toBe(
      "Progressing",
    );
  });

  it("is Progressing when the Ready condition itself is for an older generation", () => {
    const status = { observedGeneration: 3, conditions: [ready("False", "InvalidSpec", "bad", 2)] };
    expect(runHealthCheck(object(kind, 3, status)).status).toBe("Progressing");
  });

  it("is Progressing when Ready is Unknown or missing", () => {
    const unknown = {
      observedGeneration: 2,
      conditions: [ready("Unknown", "Pending", "waiting for the Secret")],
    };
    expect(runHealthCheck(object(kind, 2, unknown))).toEqual({
      status: "Progressing",
      message: "Pending: waiting for the Secret",
    });
    const other = {
      observedGeneration: 2,
      conditions: [{ type: "Accepted", status: "True", reason: "Valid", message: "", lastTransitionTime: T }],
    };
    expect(runHealthCheck(object(kind, 2, other))).toEqual({
      status: "Progressing",
      message: "Waiting for the Ready condition",
    });
  });
});

describe("docs/gitops.md", () => {
  it("embeds docs/argocd/health.lua, unchanged, for each kind in its argocd-cm example", () => {
    const doc = readFileSync(join(HEALTH_LUA_PATH, "..", "..", "gitops.md"), "utf8");
    const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
    const cm = blocks
      .flatMap((b) =>
        parseAllDocuments(b).map((d) => d.toJS() as { kind?: string; data?: Record<string, string> }),
      )
      .find((o) => o?.kind === "ConfigMap");
    expect(cm?.data).toBeDefined();
    for (const kind of KINDS)
      expect(cm?.data?.[`resource.customizations.health.kuberelay.dev_${kind}`]).toBe(healthLua());
    expect(Object.keys(cm?.data ?? {})).toHaveLength(KINDS.length);
  });
});
