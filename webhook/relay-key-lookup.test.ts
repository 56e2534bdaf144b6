import { ApiException } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import {
  type CustomObjectGetter,
  createKubernetesRelayKeyLookup,
  RelayKeyLookupError,
  relayKeyInfo,
} from "./relay-key-lookup.js";

function relayKey(conditions?: unknown[]) {
  return {
    apiVersion: "kuberelay.dev/v1alpha1",
    kind: "RelayKey",
    metadata: { name: "k", namespace: "team-a" },
    spec: { policyRef: { name: "p" }, secretName: "k-secret" },
    ...(conditions ? { status: { conditions } } : {}),
  };
}

function fakeApi(respond: () => Promise<unknown>): CustomObjectGetter & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    calls,
    getNamespacedCustomObject: (param) => {
      calls.push(param);
      return respond();
    },
  };
}

describe("relayKeyInfo", () => {
  it("is ready only with condition Ready=True", () => {
    expect(relayKeyInfo(relayKey([{ type: "Ready", status: "True" }]))).toEqual({
      secretName: "k-secret",
      ready: true,
    });
    expect(relayKeyInfo(relayKey([{ type: "Ready", status: "False" }])).ready).toBe(false);
    expect(relayKeyInfo(relayKey([{ type: "Other", status: "True" }])).ready).toBe(false);
    expect(relayKeyInfo(relayKey()).ready).toBe(false);
  });

  it("names the missing field of an invalid object", () => {
    expect(() => relayKeyInfo({ spec: {} })).toThrow(/spec\.secretName/);
  });
});

describe("createKubernetesRelayKeyLookup", () => {
  it("GETs the namespaced custom object", async () => {
    const api = fakeApi(async () => relayKey([{ type: "Ready", status: "True" }]));
    await expect(createKubernetesRelayKeyLookup(api).get("team-a", "k")).resolves.toEqual({
      secretName: "k-secret",
      ready: true,
    });
    expect(api.calls).toEqual([
      { group: "kuberelay.dev", version: "v1alpha1", namespace: "team-a", plural: "relaykeys", name: "k" },
    ]);
  });

  it("returns undefined on 404", async () => {
    const api = fakeApi(() => Promise.reject(new ApiException(404, "not found", {}, {})));
    await expect(createKubernetesRelayKeyLookup(api).get("team-a", "k")).resolves.toBeUndefined();
  });

  it("throws a typed error on other failures", async () => {
    const forbidden = fakeApi(() => Promise.reject(new ApiException(403, "forbidden", {}, {})));
    await expect(createKubernetesRelayKeyLookup(forbidden).get("a", "k")).rejects.toMatchObject({
      name: "RelayKeyLookupError",
      detail: "HTTP 403",
    });
    const down = fakeApi(() => Promise.reject(new Error("ECONNREFUSED")));
    await expect(createKubernetesRelayKeyLookup(down).get("a", "k")).rejects.toBeInstanceOf(
      RelayKeyLookupError,
    );
  });
});
