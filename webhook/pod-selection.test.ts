import { describe, expect, it } from "vitest";
import type { NamespaceLookup } from "./namespace-lookup.js";
import { selectPod } from "./pod-selection.js";

function namespaces(labels: Record<string, Record<string, string>>): NamespaceLookup & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async labels(name) {
      asked.push(name);
      const found = labels[name];
      if (found === undefined) throw new Error(`namespaces "${name}" not found`);
      return found;
    },
  };
}

const lookup = namespaces({
  enabled: { "kuberelay.dev/inject": "enabled" },
  plain: {},
  other: { "kuberelay.dev/inject": "disabled" },
});

function select(namespace: string | undefined, annotations: Record<string, string> = {}, ns = lookup) {
  return selectPod({
    pod: { metadata: { annotations } },
    namespace,
    ownNamespace: "kuberelay-system",
    namespaces: ns,
  });
}

describe("selectPod", () => {
  it("injects an annotated Pod without reading its namespace", async () => {
    const quiet = namespaces({});
    await expect(select("plain", { "kuberelay.dev/inject": "true" }, quiet)).resolves.toEqual({
      inject: true,
      by: "annotation",
    });
    expect(quiet.asked).toEqual([]);
  });

  it("injects any Pod of a namespace labelled enabled", async () => {
    await expect(select("enabled")).resolves.toEqual({ inject: true, by: "namespace" });
  });

  it("lets the Pod opt out of an enabled namespace", async () => {
    await expect(select("enabled", { "kuberelay.dev/inject": "false" })).resolves.toMatchObject({
      inject: false,
      skipped: "opted out",
    });
  });

  it("skips Pods of namespaces without the exact label value", async () => {
    await expect(select("plain")).resolves.toMatchObject({ inject: false, skipped: "not selected" });
    await expect(select("other")).resolves.toMatchObject({ inject: false, skipped: "not selected" });
  });

  it("never touches kube-system, its own namespace or mirror Pods, even when asked to", async () => {
    const ask = { "kuberelay.dev/inject": "true" };
    await expect(select("kube-system", ask)).resolves.toMatchObject({ inject: false });
    await expect(select("kuberelay-system", ask)).resolves.toMatchObject({ inject: false });
    await expect(select("enabled", { ...ask, "kubernetes.io/config.mirror": "abc" })).resolves.toEqual({
      inject: false,
      skipped: "mirror pod",
    });
  });

  it("admits without injection, with a warning, when the namespace cannot be read", async () => {
    const result = await select("missing");
    expect(result).toMatchObject({
      inject: false,
      skipped: "namespace lookup failed",
      warning: 'kuberelay: Namespace "missing" could not be read; Pod admitted without injection',
    });
  });

  it("gives up on a namespace lookup that hangs", async () => {
    const hanging: NamespaceLookup = { labels: () => new Promise(() => {}) };
    const result = await selectPod({
      pod: {},
      namespace: "slow",
      ownNamespace: "kuberelay-system",
      namespaces: hanging,
      timeoutMs: 10,
    });
    expect(result).toMatchObject({ inject: false, skipped: "namespace lookup failed" });
  });
});
