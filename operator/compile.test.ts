import { describe, expect, it } from "vitest";
import { hashRelayKey } from "../common/crypto/relay-key.js";
import type { Policy } from "../common/schemas/policy.js";
import type { ProviderKey } from "../common/schemas/provider-key.js";
import type { RelayKey } from "../common/schemas/relay-key.js";
import { type CompileSources, compile } from "./compile.js";

const meta = (namespace: string, name: string) => ({
  namespace,
  name,
  uid: `${namespace}-${name}`,
  generation: 1,
});

const providerKey = (
  namespace: string,
  name: string,
  spec: Partial<ProviderKey["spec"]> = {},
): ProviderKey => ({
  apiVersion: "kuberelay.dev/v1alpha1",
  kind: "ProviderKey",
  metadata: meta(namespace, name),
  spec: { provider: "openai", credentials: { secretKeyRef: { name: "openai", key: "apiKey" } }, ...spec },
});

const policy = (namespace: string, name: string, providerNs?: string): Policy => ({
  apiVersion: "kuberelay.dev/v1alpha1",
  kind: "Policy",
  metadata: meta(namespace, name),
  spec: {
    routes: [
      {
        model: "gpt-*",
        targets: [
          { providerKeyRef: { name: "openai", ...(providerNs ? { namespace: providerNs } : {}) }, weight: 1 },
        ],
      },
    ],
  },
});

const relayKey = (namespace: string, name: string, policyName: string): RelayKey => ({
  apiVersion: "kuberelay.dev/v1alpha1",
  kind: "RelayKey",
  metadata: meta(namespace, name),
  spec: { policyRef: { name: policyName }, secretName: `${name}-key` },
});

function sources(over: Partial<CompileSources> = {}): CompileSources {
  return {
    relayKeys: [relayKey("team-a", "app", "default")],
    policies: [policy("team-a", "default")],
    providerKeys: [providerKey("team-a", "openai")],
    namespaceLabels: () => ({}),
    relayKeyPlaintext: (ns, secret) => `krk_${ns}_${secret}`,
    providerCredential: () => "sk-upstream",
    ...over,
  };
}

const readyOf = (r: ReturnType<typeof compile>, id: string) =>
  r.conditions.get(id)?.find((c) => c.type === "Ready");

describe("compile", () => {
  it("compiles keys as hashes and providers with their credential, all Ready", () => {
    const r = compile(sources());
    expect(r.draft.keys).toEqual([
      { hash: hashRelayKey("krk_team-a_app-key"), id: "team-a/app", policy: "team-a/default" },
    ]);
    expect(r.draft.providers["team-a/openai"]?.credential).toBe("sk-upstream");
    expect(JSON.stringify(r.draft.keys)).not.toContain("krk_");
    for (const id of ["ProviderKey/team-a/openai", "Policy/team-a/default", "RelayKey/team-a/app"]) {
      expect(readyOf(r, id)?.status).toBe("True");
    }
    expect(r.relayKeyFacts.get("team-a/app")?.keyPrefix).toBe("krk_team");
  });

  it("leaves out a RelayKey whose Policy is missing, and says why", () => {
    const r = compile(sources({ relayKeys: [relayKey("team-a", "app", "nope")] }));
    expect(r.draft.keys).toEqual([]);
    expect(readyOf(r, "RelayKey/team-a/app")).toMatchObject({ status: "False", reason: "PolicyNotFound" });
  });

  it("refuses a cross-namespace ProviderKey that did not grant the namespace", () => {
    const r = compile(
      sources({
        relayKeys: [relayKey("team-b", "app", "default")],
        policies: [policy("team-b", "default", "platform")],
        providerKeys: [
          providerKey("platform", "openai", { allowedNamespaces: { matchLabels: { llm: "yes" } } }),
        ],
      }),
    );
    expect(readyOf(r, "Policy/team-b/default")).toMatchObject({ status: "False", reason: "RefNotResolved" });
    expect(readyOf(r, "RelayKey/team-b/app")).toMatchObject({ status: "False", reason: "PolicyNotReady" });
    expect(r.draft.keys).toEqual([]);
    expect(r.draft.providers).toEqual({});
  });

  it("accepts a cross-namespace ProviderKey whose allowedNamespaces match", () => {
    const r = compile(
      sources({
        relayKeys: [relayKey("team-b", "app", "default")],
        policies: [policy("team-b", "default", "platform")],
        providerKeys: [
          providerKey("platform", "openai", { allowedNamespaces: { matchLabels: { llm: "yes" } } }),
        ],
        namespaceLabels: (ns): Record<string, string> => (ns === "team-b" ? { llm: "yes" } : {}),
      }),
    );
    expect(readyOf(r, "Policy/team-b/default")?.status).toBe("True");
    expect(r.draft.keys).toHaveLength(1);
  });

  it("marks a ProviderKey whose Secret is missing not Ready, without naming any value", () => {
    const r = compile(sources({ providerCredential: () => undefined }));
    const cond = readyOf(r, "ProviderKey/team-a/openai");
    expect(cond).toMatchObject({ status: "False", reason: "SecretNotFound" });
    expect(readyOf(r, "Policy/team-a/default")?.status).toBe("False");
  });

  it("keeps a key whose Secret is not written yet out of the config", () => {
    const r = compile(sources({ relayKeyPlaintext: () => undefined }));
    expect(r.draft.keys).toEqual([]);
    expect(readyOf(r, "RelayKey/team-a/app")).toMatchObject({ status: "False", reason: "KeyPending" });
  });

  it("refuses a private-network baseURL unless allowPrivateNetwork", () => {
    const pk = providerKey("team-a", "openai", { baseURL: "https://169.254.169.254/v1" });
    const r = compile(sources({ providerKeys: [pk] }));
    expect(readyOf(r, "ProviderKey/team-a/openai")).toMatchObject({
      status: "False",
      reason: "PrivateNetwork",
    });
    const allowed = compile(
      sources({ providerKeys: [{ ...pk, spec: { ...pk.spec, allowPrivateNetwork: true } }] }),
    );
    expect(readyOf(allowed, "ProviderKey/team-a/openai")?.status).toBe("True");
  });

  it("never puts a plaintext credential in a condition", () => {
    const r = compile(sources());
    expect(JSON.stringify([...r.conditions.values()])).not.toContain("sk-upstream");
  });
});
