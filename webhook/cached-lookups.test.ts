import type { KubernetesObject, V1Namespace } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { cachedNamespaceLookup, cachedRelayKeyLookup, type ObjectCache } from "./cached-lookups.js";
import { fakeLookup } from "./testing/fixtures.js";

function cache<T>(entries: Record<string, T>): ObjectCache<T> {
  return { get: (name, namespace) => entries[namespace === undefined ? name : `${namespace}/${name}`] };
}

const relayKey = (ready: string): KubernetesObject & { spec: unknown; status: unknown } => ({
  spec: { secretName: "chat-relay-key" },
  status: { conditions: [{ type: "Ready", status: ready }] },
});

describe("cachedRelayKeyLookup", () => {
  it("answers a Ready RelayKey from the cache without asking the API server", async () => {
    const api = fakeLookup({});
    const lookup = cachedRelayKeyLookup(cache({ "team-a/chat": relayKey("True") }), api);
    await expect(lookup.get("team-a", "chat")).resolves.toEqual({
      secretName: "chat-relay-key",
      secretKey: "key",
      ready: true,
    });
    expect(api.asked).toEqual([]);
  });

  it("asks the API server when the cache lacks the RelayKey, holds it not Ready, or holds it invalid", async () => {
    const api = fakeLookup({
      "team-a/new": { secretName: "new-relay-key", ready: true },
      "team-a/pending": { secretName: "pending-relay-key", ready: true },
      "team-a/broken": { secretName: "broken-relay-key", ready: true },
    });
    const lookup = cachedRelayKeyLookup(
      cache({ "team-a/pending": relayKey("False"), "team-a/broken": {} }),
      api,
    );
    for (const name of ["new", "pending", "broken"]) {
      await expect(lookup.get("team-a", name)).resolves.toMatchObject({ ready: true });
    }
    await expect(lookup.get("team-a", "absent")).resolves.toBeUndefined();
    expect(api.asked).toEqual(["team-a/new", "team-a/pending", "team-a/broken", "team-a/absent"]);
  });
});

describe("cachedNamespaceLookup", () => {
  it("answers from the cache and asks the API server only for a Namespace it has not seen", async () => {
    const asked: string[] = [];
    const lookup = cachedNamespaceLookup(
      cache<V1Namespace>({
        cached: { metadata: { labels: { "kuberelay.dev/inject": "enabled" } } },
        bare: {},
      }),
      {
        labels: async (name) => {
          asked.push(name);
          return { from: "api" };
        },
      },
    );
    await expect(lookup.labels("cached")).resolves.toEqual({ "kuberelay.dev/inject": "enabled" });
    await expect(lookup.labels("bare")).resolves.toEqual({});
    await expect(lookup.labels("new")).resolves.toEqual({ from: "api" });
    expect(asked).toEqual(["new"]);
  });
});
