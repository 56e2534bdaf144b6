import { describe, expect, it } from "vitest";
import { type InjectionSubject, selectByPod, selectInjection } from "./selection.js";

const subject = (
  namespace: string | undefined,
  annotations: Record<string, string> = {},
): InjectionSubject => ({
  namespace,
  annotations,
  ownNamespace: "kuberelay-system",
  excludedNamespaces: new Set(["legacy"]),
});
const enabled = { "kuberelay.dev/inject": "enabled" };
const ask = { "kuberelay.dev/inject": "true" };

describe("injection selection", () => {
  it("lets the annotation decide without the namespace", () => {
    expect(selectByPod(subject("team-a", ask))).toEqual({ inject: true, by: "annotation" });
    expect(selectByPod(subject("team-a", { "kuberelay.dev/inject": "false" }))).toEqual({
      inject: false,
      skipped: "opted out",
    });
    expect(selectByPod(subject("team-a"))).toBe("namespace");
  });

  it("selects by the exact namespace label value", () => {
    expect(selectInjection(subject("team-a"), enabled)).toEqual({ inject: true, by: "namespace" });
    expect(selectInjection(subject("team-a"), { "kuberelay.dev/inject": "yes" })).toMatchObject({
      inject: false,
    });
    expect(selectInjection(subject("team-a"), undefined)).toMatchObject({ inject: false });
    expect(selectInjection(subject("team-a", { "kuberelay.dev/inject": "false" }), enabled)).toMatchObject({
      inject: false,
      skipped: "opted out",
    });
  });

  it("never selects mirror Pods, kube-system, its own or an excluded namespace", () => {
    for (const ns of ["kube-system", "kuberelay-system", "legacy"]) {
      expect(selectInjection(subject(ns, ask), enabled)).toEqual({
        inject: false,
        skipped: `namespace ${ns} is excluded`,
      });
    }
    expect(
      selectInjection(subject("team-a", { ...ask, "kubernetes.io/config.mirror": "x" }), enabled),
    ).toEqual({
      inject: false,
      skipped: "mirror pod",
    });
    expect(selectInjection(subject(undefined, ask), enabled)).toMatchObject({ inject: false });
  });
});
