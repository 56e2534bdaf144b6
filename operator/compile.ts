import type { ConditionInput } from "../common/conditions.js";
import type { CompiledKey, CompiledPolicy, CompiledProvider } from "../common/config/gateway-config.js";
import { hashRelayKey, relayKeyFingerprint, relayKeyPrefix } from "../common/crypto/relay-key.js";
import { matchesLabelSelector } from "../common/kube/label-selector.js";
import { isPrivateNetworkURL } from "../common/net/private-address.js";
import type { Policy } from "../common/schemas/policy.js";
import type { ProviderKey } from "../common/schemas/provider-key.js";
import type { RelayKey } from "../common/schemas/relay-key.js";

/** What one compile reads: the informer caches, behind small lookups. */
export interface CompileSources {
  relayKeys: readonly RelayKey[];
  policies: readonly Policy[];
  providerKeys: readonly ProviderKey[];
  namespaceLabels(namespace: string): Readonly<Record<string, string>> | undefined;
  relayKeyPlaintext(namespace: string, secretName: string): string | undefined;
  /** undefined: the Secret or its key is missing. */
  providerCredential(namespace: string, secretName: string, key: string): string | undefined;
}

/** A provider before sealing: its credential is still plaintext and never leaves the operator. */
export type DraftProvider = Omit<CompiledProvider, "credential"> & { credential?: string };

export interface DraftConfig {
  keys: CompiledKey[];
  policies: Record<string, CompiledPolicy>;
  providers: Record<string, DraftProvider>;
}

export interface RelayKeyFacts {
  keyPrefix: string;
  fingerprint: string;
}

export interface CompileResult {
  draft: DraftConfig;
  /** `Kind/namespace/name` → the conditions that object's status should carry. */
  conditions: Map<string, ConditionInput[]>;
  relayKeyFacts: Map<string, RelayKeyFacts>;
}

export const objectId = (o: { metadata: { namespace: string; name: string } }) =>
  `${o.metadata.namespace}/${o.metadata.name}`;

const ready = (ok: boolean, reason: string, message: string): ConditionInput => ({
  type: "Ready",
  status: ok ? "True" : "False",
  reason,
  message,
});
const resolved = (ok: boolean, reason: string, message: string): ConditionInput => ({
  type: "ResolvedRefs",
  status: ok ? "True" : "False",
  reason,
  message,
});

function compileProvider(
  pk: ProviderKey,
  src: CompileSources,
): { provider?: DraftProvider; conds: ConditionInput[] } {
  const { spec } = pk;
  const base: DraftProvider = {
    provider: spec.provider,
    ...(spec.baseURL ? { baseURL: spec.baseURL } : {}),
    ...(spec.region ? { region: spec.region } : {}),
  };
  if (spec.baseURL && !spec.allowPrivateNetwork && isPrivateNetworkURL(spec.baseURL)) {
    const msg =
      "baseURL points at a loopback, private or link-local address; set allowPrivateNetwork to allow it";
    return { conds: [resolved(false, "PrivateNetwork", msg), ready(false, "PrivateNetwork", msg)] };
  }
  const ref = spec.credentials.secretKeyRef;
  if (!ref) {
    return {
      provider: base,
      conds: [resolved(true, "AmbientIdentity", "uses the pod's cloud identity"), ready(true, "Ready", "")],
    };
  }
  const credential = src.providerCredential(pk.metadata.namespace, ref.name, ref.key);
  if (credential === undefined) {
    const msg = `Secret "${ref.name}" with key "${ref.key}" not found in namespace "${pk.metadata.namespace}"`;
    return { conds: [resolved(false, "SecretNotFound", msg), ready(false, "SecretNotFound", msg)] };
  }
  return {
    provider: { ...base, credential },
    conds: [resolved(true, "Resolved", `credential from Secret "${ref.name}"`), ready(true, "Ready", "")],
  };
}

function targetProblem(
  policy: Policy,
  providerId: string,
  sources: CompileSources,
  usable: Set<string>,
): string | undefined {
  const pk = sources.providerKeys.find((p) => objectId(p) === providerId);
  if (!pk) return `ProviderKey "${providerId}" not found`;
  const policyNs = policy.metadata.namespace;
  if (pk.metadata.namespace !== policyNs) {
    const selector = pk.spec.allowedNamespaces;
    const labels = sources.namespaceLabels(policyNs) ?? {};
    if (!selector || !matchesLabelSelector(selector, labels)) {
      return `ProviderKey "${providerId}" does not allow namespace "${policyNs}" (allowedNamespaces)`;
    }
  }
  if (!usable.has(providerId)) return `ProviderKey "${providerId}" is not Ready`;
  return undefined;
}

function compilePolicy(
  policy: Policy,
  src: CompileSources,
  usable: Set<string>,
): { policy?: CompiledPolicy; conds: ConditionInput[] } {
  const problems: string[] = [];
  const routes = policy.spec.routes.map((route) => ({
    model: route.model,
    targets: route.targets.map((t) => {
      const provider = `${t.providerKeyRef.namespace ?? policy.metadata.namespace}/${t.providerKeyRef.name}`;
      const problem = targetProblem(policy, provider, src, usable);
      if (problem) problems.push(problem);
      return {
        provider,
        weight: t.weight,
        ...(t.model ? { model: t.model } : {}),
        ...(t.timeoutSeconds ? { timeoutSeconds: t.timeoutSeconds } : {}),
      };
    }),
  }));
  if (problems.length > 0) {
    // A Policy is applied whole or not at all: a half-resolved route table would send traffic where nobody meant.
    const msg = [...new Set(problems)].join("; ");
    return { conds: [resolved(false, "RefNotResolved", msg), ready(false, "RefNotResolved", msg)] };
  }
  return {
    policy: { routes, ...(policy.spec.limits ? { limits: policy.spec.limits } : {}) },
    conds: [resolved(true, "Resolved", "all ProviderKeys resolved"), ready(true, "Ready", "")],
  };
}

function compileRelayKey(
  rk: RelayKey,
  src: CompileSources,
  policies: Record<string, CompiledPolicy>,
): { key?: CompiledKey; facts?: RelayKeyFacts; conds: ConditionInput[] } {
  const ns = rk.metadata.namespace;
  const policyId = `${ns}/${rk.spec.policyRef.name}`;
  if (!src.policies.some((p) => objectId(p) === policyId)) {
    const msg = `Policy "${rk.spec.policyRef.name}" not found in namespace "${ns}"`;
    return { conds: [resolved(false, "PolicyNotFound", msg), ready(false, "PolicyNotFound", msg)] };
  }
  if (!policies[policyId]) {
    const msg = `Policy "${rk.spec.policyRef.name}" is not Ready`;
    return { conds: [resolved(false, "PolicyNotReady", msg), ready(false, "PolicyNotReady", msg)] };
  }
  const plaintext = src.relayKeyPlaintext(ns, rk.spec.secretName);
  if (plaintext === undefined) {
    const msg = `waiting for Secret "${rk.spec.secretName}"`;
    return { conds: [resolved(true, "Resolved", ""), ready(false, "KeyPending", msg)] };
  }
  const hash = hashRelayKey(plaintext);
  const key: CompiledKey = {
    hash,
    id: objectId(rk),
    policy: policyId,
    ...(rk.spec.expiresAt ? { expiresAt: rk.spec.expiresAt } : {}),
    ...(rk.spec.disabled ? { disabled: true } : {}),
    ...(rk.spec.limits ? { limits: rk.spec.limits } : {}),
  };
  const state = rk.spec.disabled
    ? ready(false, "Disabled", "the key is disabled")
    : ready(true, "KeyIssued", "");
  return {
    key,
    facts: { keyPrefix: relayKeyPrefix(plaintext), fingerprint: relayKeyFingerprint(hash) },
    conds: [resolved(true, "Resolved", `Policy "${rk.spec.policyRef.name}" is Ready`), state],
  };
}

/** Recomputes the whole gateway config, and every object's conditions, from the caches. */
export function compile(src: CompileSources): CompileResult {
  const conditions = new Map<string, ConditionInput[]>();
  const relayKeyFacts = new Map<string, RelayKeyFacts>();
  const draft: DraftConfig = { keys: [], policies: {}, providers: {} };

  for (const pk of src.providerKeys) {
    const { provider, conds } = compileProvider(pk, src);
    conditions.set(`ProviderKey/${objectId(pk)}`, conds);
    if (provider) draft.providers[objectId(pk)] = provider;
  }
  const usable = new Set(Object.keys(draft.providers));
  for (const policy of src.policies) {
    const result = compilePolicy(policy, src, usable);
    conditions.set(`Policy/${objectId(policy)}`, result.conds);
    if (result.policy) draft.policies[objectId(policy)] = result.policy;
  }
  for (const rk of src.relayKeys) {
    const result = compileRelayKey(rk, src, draft.policies);
    conditions.set(`RelayKey/${objectId(rk)}`, result.conds);
    if (result.key) draft.keys.push(result.key);
    if (result.facts) relayKeyFacts.set(objectId(rk), result.facts);
  }
  // Providers no usable Policy routes to stay out of the gateways' memory.
  const routed = new Set(
    Object.values(draft.policies).flatMap((p) => p.routes.flatMap((r) => r.targets.map((t) => t.provider))),
  );
  for (const id of Object.keys(draft.providers)) if (!routed.has(id)) delete draft.providers[id];
  draft.keys.sort((a, b) => a.id.localeCompare(b.id));
  return { draft, conditions, relayKeyFacts };
}
