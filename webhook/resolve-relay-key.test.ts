import { describe, expect, it } from "vitest";
import type { RelayKeyInfo, RelayKeyLookup } from "./relay-key-lookup.js";
import { RelayKeyLookupError } from "./relay-key-lookup.js";
import { resolveRelayKey } from "./resolve-relay-key.js";

function lookupOf(
  get: (namespace: string, name: string) => Promise<RelayKeyInfo | undefined>,
): RelayKeyLookup {
  return { get };
}

const ready = lookupOf(async () => ({ secretName: "s", secretKey: "key", ready: true }));

describe("resolveRelayKey", () => {
  it("returns the Secret of a Ready RelayKey", async () => {
    await expect(resolveRelayKey({ lookup: ready, namespace: "team-a", name: "k" })).resolves.toEqual({
      relayKey: { secretName: "s", secretKey: "key" },
      warnings: [],
    });
  });

  it("passes on the data key of a referenced Secret", async () => {
    const lookup = lookupOf(async () => ({ secretName: "own", secretKey: "token", ready: true }));
    const result = await resolveRelayKey({ lookup, namespace: "team-a", name: "k" });
    expect(result.relayKey).toEqual({ secretName: "own", secretKey: "token" });
  });

  it("falls back to the generated key's data key when a lookup does not say", async () => {
    const lookup = lookupOf(async () => ({ secretName: "s", ready: true }));
    const result = await resolveRelayKey({ lookup, namespace: "team-a", name: "k" });
    expect(result.relayKey).toEqual({ secretName: "s", secretKey: "key" });
  });

  it("warns when the annotation is missing, without a lookup", async () => {
    const lookup = lookupOf(() => Promise.reject(new Error("must not be called")));
    const result = await resolveRelayKey({ lookup, namespace: "team-a", name: undefined });
    expect(result.relayKey).toBeUndefined();
    expect(result.warnings).toEqual([
      'kuberelay: annotation "kuberelay.dev/relay-key" not set; OPENAI_API_KEY, ANTHROPIC_API_KEY, AWS_BEARER_TOKEN_BEDROCK not injected',
    ]);
  });

  it("refuses names that cannot be RelayKeys", async () => {
    for (const name of ["../etc", "UPPER", "", 7, "a".repeat(254)]) {
      const result = await resolveRelayKey({ lookup: ready, namespace: "team-a", name });
      expect(result.warnings[0]).toMatch(/not a valid RelayKey name/);
    }
  });

  it("warns when the RelayKey does not exist", async () => {
    const result = await resolveRelayKey({
      lookup: lookupOf(async () => undefined),
      namespace: "ns",
      name: "k",
    });
    expect(result).toEqual({
      relayKey: undefined,
      warnings: [
        'kuberelay: RelayKey "ns/k" not found; OPENAI_API_KEY, ANTHROPIC_API_KEY, AWS_BEARER_TOKEN_BEDROCK not injected',
      ],
      reason: "RelayKeyNotFound",
    });
  });

  it("warns when the RelayKey is not Ready", async () => {
    const lookup = lookupOf(async () => ({ secretName: "s", ready: false }));
    const result = await resolveRelayKey({ lookup, namespace: "ns", name: "k" });
    expect(result.relayKey).toBeUndefined();
    expect(result.warnings[0]).toMatch(/RelayKey "ns\/k" is not Ready/);
  });

  it("warns with the lookup's detail when reading fails", async () => {
    const lookup = lookupOf(() => Promise.reject(new RelayKeyLookupError("HTTP 403")));
    const result = await resolveRelayKey({ lookup, namespace: "ns", name: "k" });
    expect(result.warnings[0]).toMatch(/could not be read \(HTTP 403\)/);
    expect(result.error).toBeInstanceOf(RelayKeyLookupError);
  });

  it("gives up on a slow lookup", async () => {
    const lookup = lookupOf(() => new Promise(() => {}));
    const result = await resolveRelayKey({ lookup, namespace: "ns", name: "k", timeoutMs: 20 });
    expect(result.warnings[0]).toMatch(/timed out after 20ms/);
  });
});
