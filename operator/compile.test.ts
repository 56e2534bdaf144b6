import { describe, expect, it } from "vitest";
import { hashRelayKey } from "../common/crypto/relay-key.js";
import type { Policy } from "../common/schemas/policy.js";
import type { ProviderKey } from "../common/schemas/provider-key.js";
import type { RelayKey } from "../common/schemas/relay-key.js";
import { type CompileSources, compile } from "./compile.js";
import { OVERSIZE, type SecretValue } from "./secret-value.js";

const meta = (namespace: string, name: string, creationTimestamp = "2026-01-01T00:00:00Z") => ({
  namespace,
  name,
  uid: `${namespace}-${name}`,
  generation: 1,
  creationTimestamp,
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

/** Long enough to pass the minimum key length, and recognisable in assertions. */
const plaintextFor = (ns: string, secret: string) => `krk_${ns}_${secret}_${"x".repeat(32)}`;

const byoRelayKey = (
  namespace: string,
  name: string,
  secret = `${name}-byo`,
  createdAt?: string,
): RelayKey => ({
  apiVersion: "kuberelay.dev/v1alpha1",
  kind: "RelayKey",
  metadata: meta(namespace, name, createdAt),
  spec: { policyRef: { name: "default" }, secretRef: { name: secret, key: "token" } },
});

const NOW = new Date("2026-06-01T12:00:00Z");

function sources(over: Partial<CompileSources> = {}): CompileSources {
  return {
    relayKeys: [relayKey("team-a", "app", "default")],
    policies: [policy("team-a", "default")],
    providerKeys: [providerKey("team-a", "openai")],
    namespaceLabels: () => ({}),
    relayKeyPlaintext: (rk, where) => plaintextFor(rk.metadata.namespace, where.secretName),
    providerCredential: () => "sk-upstream",
    now: NOW,
    ...over,
  };
}

const readyOf = (r: ReturnType<typeof compile>, id: string) =>
  r.conditions.get(id)?.find((c) => c.type === "Ready");

describe("compile", () => {
  it("compiles keys as hashes and providers with their credential, all Ready", () => {
    const r = compile(sources());
    expect(r.draft.keys).toEqual([
      { hash: hashRelayKey(plaintextFor("team-a", "app-key")), id: "team-a/app", policy: "team-a/default" },
    ]);
    expect(r.draft.providers["team-a/openai"]?.credential).toBe("sk-upstream");
    expect(JSON.stringify(r.draft.keys)).not.toContain("krk_");
    for (const id of ["ProviderKey/team-a/openai", "Policy/team-a/default", "RelayKey/team-a/app"]) {
      expect(readyOf(r, id)?.status).toBe("True");
    }
    expect(r.relayKeyFacts.get("team-a/app")?.keyPrefix).toBe("krk_team");
  });

  it("carries a Policy's content capture to the gateway, and nothing for mode off", () => {
    const withContent = (content: NonNullable<Policy["spec"]["content"]>, name: string): Policy => {
      const p = policy("team-a", name);
      return { ...p, spec: { ...p.spec, content } };
    };
    const r = compile(
      sources({
        policies: [
          withContent({ mode: "encrypted", retentionDays: 30 }, "default"),
          withContent({ mode: "off" }, "quiet"),
        ],
      }),
    );
    expect(r.draft.policies["team-a/default"]?.content).toEqual({ mode: "encrypted", retentionDays: 30 });
    expect(r.draft.policies["team-a/quiet"]).not.toHaveProperty("content");
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
    expect(readyOf(r, "Policy/team-b/default")).toMatchObject({
      status: "False",
      reason: "NamespaceNotAllowed",
    });
    // The route answers 503 and nothing reaches the ProviderKey; the key itself stays valid.
    expect(r.draft.policies["team-b/default"]?.routes[0]).toMatchObject({
      targets: [],
      unavailable: { reason: "NamespaceNotAllowed" },
    });
    expect(readyOf(r, "RelayKey/team-b/app")).toMatchObject({ status: "True" });
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

  it("security: refuses an over-size provider credential with a condition, and routes nothing to it", () => {
    const r = compile(sources({ providerCredential: () => OVERSIZE }));
    expect(r.draft.providers).toEqual({});
    const conds = r.conditions.get("ProviderKey/team-a/openai");
    expect(conds?.find((c) => c.type === "ResolvedRefs")).toMatchObject({
      status: "False",
      reason: "CredentialTooLarge",
    });
    expect(readyOf(r, "ProviderKey/team-a/openai")).toMatchObject({ status: "False" });
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
    // The gateway checks resolved addresses at connect time, so it must know the key allows them.
    expect(allowed.draft.providers["team-a/openai"]?.allowPrivateNetwork).toBe(true);
    expect(r.draft.providers["team-a/openai"]).toBeUndefined();
    const publicKey = compile(sources());
    expect(Object.values(publicKey.draft.providers).every((p) => !("allowPrivateNetwork" in p))).toBe(true);
  });

  it("issue 10: plain http to a public host needs allowInsecureHttp, which reaches the gateway", () => {
    const pk = providerKey("team-a", "openai", {
      baseURL: "http://93.184.216.34/v1",
      allowPrivateNetwork: true,
    });
    const r = compile(sources({ providerKeys: [pk] }));
    expect(readyOf(r, "ProviderKey/team-a/openai")).toMatchObject({
      status: "False",
      reason: "InsecureHttp",
    });
    expect(r.draft.providers["team-a/openai"]).toBeUndefined();
    const allowed = compile(
      sources({
        providerKeys: [{ ...pk, spec: { ...pk.spec, allowPrivateNetwork: false, allowInsecureHttp: true } }],
      }),
    );
    expect(readyOf(allowed, "ProviderKey/team-a/openai")?.status).toBe("True");
    expect(allowed.draft.providers["team-a/openai"]?.allowInsecureHttp).toBe(true);
  });

  it("issue 10: a baseURL in the provider's other form is normalised, one naming an endpoint is refused", () => {
    const anthropic = providerKey("team-a", "openai", {
      provider: "anthropic",
      baseURL: "https://api.anthropic.com/v1",
    });
    const r = compile(sources({ providerKeys: [anthropic] }));
    expect(r.draft.providers["team-a/openai"]?.baseURL).toBe("https://api.anthropic.com");
    const endpoint = providerKey("team-a", "openai", {
      baseURL: "https://api.openai.com/v1/chat/completions",
    });
    const refused = compile(sources({ providerKeys: [endpoint] }));
    expect(readyOf(refused, "ProviderKey/team-a/openai")).toMatchObject({
      status: "False",
      reason: "InvalidBaseURL",
      message:
        'baseURL for provider openai names an endpoint ("/v1/chat/completions"); it is the API root with its version, e.g. https://api.openai.com/v1 (the gateway appends /chat/completions, /embeddings, …)',
    });
    expect(refused.draft.providers["team-a/openai"]).toBeUndefined();
  });

  it("issue 10: a route naming a missing ProviderKey answers 503; the Policy's other routes and keys keep working", () => {
    const p = policy("team-a", "default");
    p.spec.routes.push({
      model: "claude-*",
      targets: [{ providerKeyRef: { name: "mock-opneai" }, weight: 1 }],
    });
    const r = compile(sources({ policies: [p] }));
    expect(r.draft.policies["team-a/default"]?.routes).toEqual([
      { model: "gpt-*", targets: [{ provider: "team-a/openai", weight: 1 }] },
      {
        model: "claude-*",
        targets: [],
        unavailable: { reason: "ProviderKeyNotFound", message: 'ProviderKey "team-a/mock-opneai" not found' },
      },
    ]);
    expect(r.draft.keys).toHaveLength(1);
    expect(readyOf(r, "RelayKey/team-a/app")).toMatchObject({ status: "True", reason: "KeyIssued" });
    const conds = r.conditions.get("Policy/team-a/default");
    expect(conds?.find((c) => c.type === "ResolvedRefs")).toEqual({
      type: "ResolvedRefs",
      status: "False",
      reason: "ProviderKeyNotFound",
      message: 'spec.routes[1].targets[0].providerKeyRef: ProviderKey "team-a/mock-opneai" not found',
    });
    expect(readyOf(r, "Policy/team-a/default")).toMatchObject({
      status: "False",
      reason: "ProviderKeyNotFound",
      message: expect.stringContaining("1 of 2 routes serving"),
    });
    expect(r.routeProblems).toEqual([
      {
        policy: "team-a/default",
        field: "spec.routes[1].targets[0].providerKeyRef",
        reason: "ProviderKeyNotFound",
        message: 'ProviderKey "team-a/mock-opneai" not found',
      },
    ]);
  });

  it("issue 10: a route keeps its usable targets when another target's ProviderKey is not Ready", () => {
    const p = policy("team-a", "default");
    p.spec.routes[0]?.targets.push({ providerKeyRef: { name: "broken" }, weight: 1 });
    const r = compile(
      sources({
        policies: [p],
        providerKeys: [
          providerKey("team-a", "openai"),
          providerKey("team-a", "broken", { credentials: { secretKeyRef: { name: "gone", key: "k" } } }),
        ],
        providerCredential: (_ns, name) => (name === "openai" ? "sk-upstream" : undefined),
      }),
    );
    expect(r.draft.policies["team-a/default"]?.routes[0]?.targets.map((t) => t.provider)).toEqual([
      "team-a/openai",
    ]);
    expect(readyOf(r, "Policy/team-a/default")).toMatchObject({
      status: "False",
      reason: "ProviderKeyNotReady",
    });
  });

  it("never puts a plaintext credential in a condition", () => {
    const r = compile(sources());
    expect(JSON.stringify([...r.conditions.values()])).not.toContain("sk-upstream");
  });
});

describe("compile, relay keys brought by secretRef", () => {
  const byoKey = "krk_my-own-relay-key-0123456789abcdefghij";

  it("hashes the referenced Secret's value and asks for that Secret and key", () => {
    const asked: unknown[] = [];
    const r = compile(
      sources({
        relayKeys: [byoRelayKey("team-a", "app")],
        relayKeyPlaintext: (_rk, where) => {
          asked.push(where);
          return byoKey;
        },
      }),
    );
    expect(asked).toEqual([{ secretName: "app-byo", key: "token", generated: false }]);
    expect(r.draft.keys).toEqual([
      { hash: hashRelayKey(byoKey), id: "team-a/app", policy: "team-a/default" },
    ]);
    expect(readyOf(r, "RelayKey/team-a/app")).toMatchObject({ status: "True", reason: "KeyIssued" });
  });

  it("asks for a generated key in the operator's Secret under data key `key`", () => {
    const asked: unknown[] = [];
    const relayKeyPlaintext: CompileSources["relayKeyPlaintext"] = (_rk, where) => {
      asked.push(where);
      return undefined;
    };
    compile(sources({ relayKeyPlaintext }));
    expect(asked).toEqual([{ secretName: "app-key", key: "key", generated: true }]);
  });

  it("says SecretNotFound when the referenced Secret or key is missing", () => {
    const r = compile(
      sources({ relayKeys: [byoRelayKey("team-a", "app")], relayKeyPlaintext: () => undefined }),
    );
    expect(r.draft.keys).toEqual([]);
    expect(readyOf(r, "RelayKey/team-a/app")).toMatchObject({ status: "False", reason: "SecretNotFound" });
    expect(r.conditions.get("RelayKey/team-a/app")?.find((c) => c.type === "ResolvedRefs")?.status).toBe(
      "False",
    );
  });

  it("refuses a key shorter than 32 characters without quoting it", () => {
    const weak = "weak-key-0123456789abcdefghijkl"; // 31 characters
    const r = compile(sources({ relayKeys: [byoRelayKey("team-a", "app")], relayKeyPlaintext: () => weak }));
    expect(r.draft.keys).toEqual([]);
    expect(r.relayKeyFacts.has("team-a/app")).toBe(false);
    const cond = readyOf(r, "RelayKey/team-a/app");
    expect(cond).toMatchObject({ status: "False", reason: "WeakKey" });
    expect(JSON.stringify([...r.conditions.values()])).not.toContain(weak);
  });

  it("accepts a relay key of exactly 32 characters", () => {
    const r = compile(
      sources({
        relayKeys: [byoRelayKey("team-a", "app")],
        relayKeyPlaintext: () => `krk_${"k".repeat(28)}`,
      }),
    );
    expect(r.draft.keys).toHaveLength(1);
  });

  it("security: refuses a referenced value that does not look like a relay key, without echoing it", () => {
    const password = "postgres-password-Tr0ub4dor&3-correct-horse";
    const values: SecretValue[] = [password, "k".repeat(32), `krk_${"k".repeat(300)}`, OVERSIZE];
    for (const value of values) {
      const r = compile(
        sources({ relayKeys: [byoRelayKey("team-a", "app")], relayKeyPlaintext: () => value }),
      );
      expect(r.draft.keys).toEqual([]);
      const conds = r.conditions.get("RelayKey/team-a/app");
      expect(conds?.find((c) => c.type === "ResolvedRefs")).toMatchObject({
        status: "False",
        reason: "InvalidKeyFormat",
      });
      expect(readyOf(r, "RelayKey/team-a/app")).toMatchObject({
        status: "False",
        reason: "InvalidKeyFormat",
      });
      expect(r.relayKeyFacts.has("team-a/app")).toBe(false);
      if (typeof value === "string") expect(JSON.stringify(conds)).not.toContain(value.slice(0, 8));
    }
  });

  it("security: the status of a secretRef key contains no substring of the value and no fingerprint", () => {
    const r = compile(
      sources({ relayKeys: [byoRelayKey("team-a", "app")], relayKeyPlaintext: () => byoKey }),
    );
    expect(readyOf(r, "RelayKey/team-a/app")).toMatchObject({ status: "True" });
    const status = JSON.stringify({
      facts: r.relayKeyFacts.get("team-a/app") ?? {},
      conditions: r.conditions.get("RelayKey/team-a/app"),
    });
    // Not even the krk_ prefix plus one character, and nothing derived from the hash.
    for (let i = 0; i + 5 <= byoKey.length; i++) expect(status).not.toContain(byoKey.slice(i, i + 5));
    expect(r.relayKeyFacts.get("team-a/app")?.fingerprint).toBeUndefined();
    expect(r.relayKeyFacts.get("team-a/app")?.keyPrefix).toBeUndefined();
  });

  it("security: on a DuplicateKey the older holder stays Ready and the newcomer is told nothing about it", () => {
    const r = compile(
      sources({
        relayKeys: [
          byoRelayKey("team-b", "copycat", "stolen", "2026-05-01T00:00:00Z"),
          byoRelayKey("team-a", "victim", "mine", "2026-02-01T00:00:00Z"),
        ],
        policies: [policy("team-a", "default"), policy("team-b", "default")],
        providerKeys: [providerKey("team-a", "openai"), providerKey("team-b", "openai")],
        relayKeyPlaintext: () => byoKey,
      }),
    );
    expect(r.draft.keys.map((k) => k.id)).toEqual(["team-a/victim"]);
    expect(readyOf(r, "RelayKey/team-a/victim")).toMatchObject({ status: "True", reason: "KeyIssued" });
    const refused = readyOf(r, "RelayKey/team-b/copycat");
    expect(refused).toMatchObject({ status: "False", reason: "DuplicateKey" });
    expect(refused?.message).not.toMatch(/team-a|victim|mine/);
    expect(r.relayKeyFacts.has("team-b/copycat")).toBe(false);
  });

  it("security: a generated key keeps working when an older RelayKey brings a copy of it", () => {
    const generated = plaintextFor("team-a", "app-key");
    const r = compile(
      sources({
        relayKeys: [
          relayKey("team-a", "app", "default"),
          byoRelayKey("team-b", "old", "copy", "2020-01-01T00:00:00Z"),
        ],
        policies: [policy("team-a", "default"), policy("team-b", "default")],
        providerKeys: [providerKey("team-a", "openai"), providerKey("team-b", "openai")],
        relayKeyPlaintext: () => generated,
      }),
    );
    expect(r.draft.keys.map((k) => k.id)).toEqual(["team-a/app"]);
    expect(readyOf(r, "RelayKey/team-b/old")).toMatchObject({ status: "False", reason: "DuplicateKey" });
  });

  it("keeps the same holder of a shared key whatever order the caches list them in", () => {
    const one = byoRelayKey("team-a", "one", "shared");
    const two = byoRelayKey("team-a", "two", "shared");
    for (const relayKeys of [
      [one, two],
      [two, one],
    ]) {
      const r = compile(sources({ relayKeys, relayKeyPlaintext: () => byoKey }));
      expect(r.draft.keys.map((k) => k.id)).toEqual(["team-a/one"]);
    }
  });

  it("during a grace period serves both keys under one id, the old one only until the grace ends", () => {
    const graceEnd = Date.parse("2026-06-01T13:00:00Z");
    const old = `krk_previous_${"y".repeat(32)}`;
    const r = compile(
      sources({
        keyHistory: () => ({
          rotatedAt: NOW.getTime() - 1000,
          previous: { plaintext: old, expiresAt: graceEnd },
        }),
      }),
    );
    expect(r.draft.keys).toEqual([
      { hash: hashRelayKey(plaintextFor("team-a", "app-key")), id: "team-a/app", policy: "team-a/default" },
      {
        hash: hashRelayKey(old),
        id: "team-a/app",
        policy: "team-a/default",
        expiresAt: "2026-06-01T13:00:00.000Z",
      },
    ]);
    expect(r.relayKeyFacts.get("team-a/app")).toEqual({
      keyPrefix: "krk_team",
      fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
      rotatedAt: "2026-06-01T11:59:59.000Z",
      previousKeyPrefix: "krk_prev",
      previousKeyExpiresAt: "2026-06-01T13:00:00.000Z",
    });
    const facts = JSON.stringify(r.relayKeyFacts.get("team-a/app"));
    expect(facts).not.toContain(old);
    expect(facts).not.toContain(hashRelayKey(old));
  });

  it("never lets the old key outlive the RelayKey's own expiry, and carries disabled to it", () => {
    const rk = relayKey("team-a", "app", "default");
    rk.spec = { ...rk.spec, expiresAt: "2026-06-01T12:30:00Z", disabled: true };
    const previous = {
      plaintext: `krk_previous_${"y".repeat(32)}`,
      expiresAt: Date.parse("2026-06-01T13:00:00Z"),
    };
    const r = compile(sources({ relayKeys: [rk], keyHistory: () => ({ previous }) }));
    expect(r.draft.keys.map((k) => [k.expiresAt, k.disabled])).toEqual([
      ["2026-06-01T12:30:00.000Z", true],
      ["2026-06-01T12:30:00.000Z", true],
    ]);
  });

  it("reports a past expiresAt as Ready False, reason Expired, and still compiles the key for a clear 401", () => {
    const rk = relayKey("team-a", "app", "default");
    rk.spec = { ...rk.spec, expiresAt: "2026-06-01T13:59:59+02:00" };
    const r = compile(sources({ relayKeys: [rk] }));
    expect(readyOf(r, "RelayKey/team-a/app")).toMatchObject({
      status: "False",
      reason: "Expired",
      message: "the key expired at 2026-06-01T11:59:59.000Z",
    });
    // Offsets are normalised: the gateway config holds UTC only.
    expect(r.draft.keys[0]?.expiresAt).toBe("2026-06-01T11:59:59.000Z");
    expect(r.wakeAt).toBeUndefined();
  });

  it("asks to be compiled again when the next expiry comes", () => {
    const soon = relayKey("team-a", "soon", "default");
    soon.spec = { ...soon.spec, expiresAt: "2026-06-01T12:00:05Z" };
    const later = relayKey("team-a", "later", "default");
    later.spec = { ...later.spec, expiresAt: "2026-06-02T00:00:00Z" };
    const r = compile(sources({ relayKeys: [later, soon] }));
    expect(readyOf(r, "RelayKey/team-a/soon")).toMatchObject({ status: "True", reason: "KeyIssued" });
    expect(r.wakeAt).toBe(Date.parse("2026-06-01T12:00:05Z"));
  });

  it("reads no key history for a key brought by reference", () => {
    let asked = 0;
    const r = compile(
      sources({
        relayKeys: [byoRelayKey("team-a", "app")],
        relayKeyPlaintext: () => byoKey,
        keyHistory: () => {
          asked++;
          return undefined;
        },
      }),
    );
    expect(asked).toBe(0);
    expect(r.draft.keys).toHaveLength(1);
  });
});
