import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { missedInjection } from "./missed-injection.js";
import { trimPod } from "./watch.js";

const scope = { ownNamespace: "kuberelay-system", excludedNamespaces: new Set<string>() };

const fullPod = (phase: string, annotations: Record<string, string>): V1Pod => ({
  metadata: {
    namespace: "team-a",
    name: "app-1",
    uid: "8d6f-uid",
    annotations,
    managedFields: [{ manager: "kubelet", operation: "Update", fieldsType: "FieldsV1", fieldsV1: {} }],
  },
  spec: { containers: [{ name: "app", image: "app:1", env: [{ name: "OPENAI_API_KEY", value: "sk-x" }] }] },
  status: {
    phase,
    containerStatuses: [{ name: "app", image: "app:1", imageID: "", ready: true, restartCount: 0 }],
  },
});

describe("trimPod", () => {
  it("keeps metadata and phase only: no spec (and so no env), no container statuses, no managedFields", () => {
    const pod = fullPod("Running", { "kuberelay.dev/inject": "true" });
    trimPod(pod);
    expect(pod).toEqual({
      metadata: {
        namespace: "team-a",
        name: "app-1",
        uid: "8d6f-uid",
        annotations: { "kuberelay.dev/inject": "true" },
      },
      status: { phase: "Running" },
    });
  });

  it("leaves the missed-injection verdict unchanged", () => {
    for (const phase of ["Pending", "Running", "Succeeded"]) {
      const asked: Array<Record<string, string>> = [
        { "kuberelay.dev/inject": "true" },
        { "kuberelay.dev/injected": "OPENAI_BASE_URL" },
      ];
      for (const annotations of asked) {
        const pod = fullPod(phase, annotations);
        const before = missedInjection(pod, {}, scope);
        trimPod(pod);
        expect(missedInjection(pod, {}, scope)).toEqual(before);
      }
    }
  });
});
