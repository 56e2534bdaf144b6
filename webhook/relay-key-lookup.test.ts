import { ApiException } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import {
  type CustomObjectGetter,
  createKubernetesRelayKeyLookup,
  RelayKeyLookupError,
  relayKeyInfo,
} from "./relay-key-lookup.js";

function relayKey(conditions?: unknown[], source: object = { secretName: "k-secret" }) {
  return {
    apiVersion: "kuberelay.dev/v1alpha1",
    kind: "RelayKey",
    metadata: { name: "k", namespace: "team-a" },
    spec: { policyRef: { name: "p" }, ...source },
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
      secretKey: "key",
      ready: true,
    });
    expect(relayKeyInfo(relayKey([{ type: "Ready", status: "False" }])).ready).toBe(false);
    expect(relayKeyInfo(relayKey([{ type: "Other", status: "True" }])).ready).toBe(false);
    expect(relayKeyInfo(relayKey()).ready).toBe(false);
  });

  it("reads a secretRef's Secret and data key", () => {
    const byo = relayKey([{ type: "Ready", status: "True" }], { secretRef: { name: "own", key: "token" } });
    expect(relayKeyInfo(byo)).toEqual({ secretName: "own", secretKey: "token", ready: true });
  });

  it("names the field at fault in an invalid object", () => {
    expect(() => relayKeyInfo({ spec: { secretName: 7 } })).toThrow(/spec\.secretName/);
    expect(() => relayKeyInfo({ spec: { secretRef: { name: "own" } } })).toThrow(/spec\.secretRef\.key/);
  });

  it("refuses a spec with neither or both key sources", () => {
    expect(() => relayKeyInfo({ spec: {} })).toThrow(/exactly one of secretName or secretRef/);
    const both = relayKey([], { secretName: "a", secretRef: { name: "b", key: "k" } });
    expect(() => relayKeyInfo(both)).toThrow(RelayKeyLookupError);
  });
});

describe("createKubernetesRelayKeyLookup", () => {
  it("GETs the namespaced custom object", async () => {
    const api = fakeApi(async () => relayKey([{ type: "Ready", status: "True" }]));
    await expect(createKubernetesRelayKeyLookup(api).get("team-a", "k")).resolves.toEqual({
      secretName: "k-secret",
      secretKey: "key",
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
