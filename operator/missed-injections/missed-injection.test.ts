import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { missedInjection } from "./missed-injection.js";

const scope = { ownNamespace: "kuberelay-system", excludedNamespaces: new Set(["legacy"]) };
const enabled = { "kuberelay.dev/inject": "enabled" };

function pod(namespace: string, annotations: Record<string, string> = {}, extra: Partial<V1Pod> = {}): V1Pod {
  return {
    metadata: {
      namespace,
      name: "app-1",
      uid: "8d6f-uid",
      annotations,
      creationTimestamp: new Date("2026-11-25T12:00:00Z"),
    },
    ...extra,
  };
}

describe("missedInjection", () => {
  it("reports a Pod that asked by annotation and carries no marker", () => {
    expect(missedInjection(pod("team-a", { "kuberelay.dev/inject": "true" }), {}, scope)).toEqual({
      namespace: "team-a",
      name: "app-1",
      uid: "8d6f-uid",
      by: "annotation",
      createdAt: "2026-11-25T12:00:00.000Z",
    });
  });

  it("reports a Pod of a labelled namespace that did not opt out", () => {
    expect(missedInjection(pod("team-a"), enabled, scope)).toMatchObject({ by: "namespace" });
    expect(
      missedInjection(pod("team-a", { "kuberelay.dev/inject": "false" }), enabled, scope),
    ).toBeUndefined();
  });

  it("does not report a Pod the webhook saw, even one it had nothing to add to", () => {
    const ask = { "kuberelay.dev/inject": "true" };
    expect(
      missedInjection(pod("team-a", { ...ask, "kuberelay.dev/injected": "OPENAI_BASE_URL" }), {}, scope),
    ).toBe(undefined);
    expect(
      missedInjection(pod("team-a", { ...ask, "kuberelay.dev/injected": "" }), {}, scope),
    ).toBeUndefined();
  });

  it("does not report Pods that never asked, or that the webhook never handles", () => {
    const ask = { "kuberelay.dev/inject": "true" };
    expect(missedInjection(pod("team-a"), {}, scope)).toBeUndefined();
    expect(missedInjection(pod("team-a"), undefined, scope)).toBeUndefined();
    for (const ns of ["kube-system", "kuberelay-system", "legacy"]) {
      expect(missedInjection(pod(ns, ask), enabled, scope)).toBeUndefined();
    }
    expect(
      missedInjection(pod("team-a", { ...ask, "kubernetes.io/config.mirror": "x" }), {}, scope),
    ).toBeUndefined();
  });

  it("leaves finished and terminating Pods alone", () => {
    const ask = { "kuberelay.dev/inject": "true" };
    expect(
      missedInjection(pod("team-a", ask, { status: { phase: "Succeeded" } }), {}, scope),
    ).toBeUndefined();
    expect(missedInjection(pod("team-a", ask, { status: { phase: "Failed" } }), {}, scope)).toBeUndefined();
    const terminating = pod("team-a", ask);
    if (terminating.metadata) terminating.metadata.deletionTimestamp = new Date();
    expect(missedInjection(terminating, {}, scope)).toBeUndefined();
    expect(missedInjection(pod("team-a", ask, { status: { phase: "Running" } }), {}, scope)).toBeDefined();
  });
});
