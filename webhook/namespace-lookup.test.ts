import type { V1Namespace } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { createKubernetesNamespaceLookup } from "./namespace-lookup.js";

describe("createKubernetesNamespaceLookup", () => {
  it("reads the labels of the named Namespace", async () => {
    const asked: string[] = [];
    const lookup = createKubernetesNamespaceLookup({
      readNamespace: async ({ name }): Promise<V1Namespace> => {
        asked.push(name);
        return { metadata: { name, labels: { "kuberelay.dev/inject": "enabled" } } };
      },
    });
    await expect(lookup.labels("team-a")).resolves.toEqual({ "kuberelay.dev/inject": "enabled" });
    expect(asked).toEqual(["team-a"]);
  });

  it("gives no labels for a Namespace without any", async () => {
    const lookup = createKubernetesNamespaceLookup({ readNamespace: async () => ({ metadata: {} }) });
    await expect(lookup.labels("bare")).resolves.toEqual({});
  });
});
