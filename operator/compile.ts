import type { ConditionInput } from "../common/conditions.js";
import type {
  CompiledKey,
  CompiledPolicy,
  CompiledProvider,
  CompiledRoute,
} from "../common/config/gateway-config.js";
import { checkBaseURL } from "../common/config/provider-base-url.js";
import { hashRelayKey, relayKeyFingerprint, relayKeyPrefix } from "../common/crypto/relay-key.js";
import { matchesLabelSelector } from "../common/kube/label-selector.js";
import { baseURLRefusal } from "../common/net/base-url-policy.js";
import type { Policy } from "../common/schemas/policy.js";
import type { ProviderKey } from "../common/schemas/provider-key.js";
import {
  MIN_RELAY_KEY_LENGTH,
  type RelayKey,
  type RelayKeySecretLocation,
  relayKeySecretLocation,
} from "../common/schemas/relay-key.js";
import { guardrailsFor } from "../gateway/guardrails/compile-cache.js";
import { looksLikeRelayKey, relayKeyFormatHint } from "./brought-key-format.js";
import { contentCondition, type GatewayContentAbilities } from "./content-condition.js";
import { guardrailSettings } from "./guardrail-settings.js";
import { countsAnything, type GatewayLimitCounting, limitsSharedCondition } from "./limits-condition.js";
import { OVERSIZE, type SecretValue } from "./secret-value.js";
import { withoutSharedKeys } from "./shared-keys.js";

/** What one compile reads: the informer caches, behind small lookups. */
export interface CompileSources {
  relayKeys: readonly RelayKey[];
  policies: readonly Policy[];
  providerKeys: readonly ProviderKey[];
  namespaceLabels(namespace: string): Readonly<Record<string, string>> | undefined;
  /**
   * The key's plaintext from the Secret `where` names (in the RelayKey's namespace);
   * undefined while that Secret or its key is missing; OVERSIZE when the value is larger than
   * the operator reads. A generated key counts only from a Secret this RelayKey owns; a
   * referenced one from whatever Secret holds it, if it looks like a relay key.
   */
  relayKeyPlaintext(rk: RelayKey, where: RelayKeySecretLocation): SecretValue | undefined;
  /** undefined: the Secret or its key is missing; OVERSIZE: larger than the operator reads. */
  providerCredential(namespace: string, secretName: string, key: string): SecretValue | undefined;
  /** What rotation left on a generated key's owned Secret; absent where nothing rotates (standalone). */
  keyHistory?(rk: RelayKey): KeyHistory | undefined;
  /** The time expiry is judged against for conditions; the gateways judge it again per request. */
  now: Date;
  /** What the gateways can do with captured content; absent (standalone), no ContentCaptured condition. */
  gatewayContent?: GatewayContentAbilities;
  /** Where the gateways count limits; absent (standalone), no LimitsShared condition. */
  gatewayLimits?: GatewayLimitCounting;
}

/** A generated key's rotation record, read from its owned Secret. */
export interface KeyHistory {
  /** When the current key replaced another (ms since the epoch). */
  rotatedAt?: number;
  /** The rotated-out key while its grace period lasts. */
  previous?: { plaintext: string; expiresAt: number };
  /** When the next rotation is due (ms since the epoch), if one is requested or scheduled. */
  nextRotationAt?: number;
}

/** A provider before sealing: its credential is still plaintext and never leaves the operator. */
export type DraftProvider = Omit<CompiledProvider, "credential"> & { credential?: string };

export interface DraftConfig {
  keys: CompiledKey[];
  policies: Record<string, CompiledPolicy>;
  providers: Record<string, DraftProvider>;
}

/**
 * What a RelayKey's status shows about its keys: prefixes and times, never a hash or plaintext.
 * A key brought by secretRef shows neither prefix nor fingerprint: `view` users read status,
 * and the referenced Secret may hold anything its namespace's editors pointed at.
 */
export interface RelayKeyFacts {
  keyPrefix?: string;
  fingerprint?: string;
  rotatedAt?: string;
  nextRotationAt?: string;
  previousKeyPrefix?: string;
  previousKeyExpiresAt?: string;
}

export interface CompileResult {
  draft: DraftConfig;
  /** `Kind/namespace/name` → the conditions that object's status should carry. */
  conditions: Map<string, ConditionInput[]>;
  relayKeyFacts: Map<string, RelayKeyFacts>;
  /** Every route target left out, field by field: what the Policies' conditions summarise. */
  routeProblems: RouteProblem[];
  /** The next instant at which a condition changes with no event (an expiry); compile again then. */
  wakeAt?: number;
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
  const endpoint: { baseURL?: string; problem?: string } =
    spec.baseURL === undefined ? {} : checkBaseURL(spec.provider, spec.baseURL);
  if (endpoint.problem !== undefined) {
    const msg = endpoint.problem;
    return { conds: [resolved(false, "InvalidBaseURL", msg), ready(false, "InvalidBaseURL", msg)] };
  }
  const base: DraftProvider = {
    provider: spec.provider,
    ...(endpoint.baseURL ? { baseURL: endpoint.baseURL } : {}),
    ...(spec.allowPrivateNetwork ? { allowPrivateNetwork: true as const } : {}),
    ...(spec.allowInsecureHttp ? { allowInsecureHttp: true as const } : {}),
    ...(spec.region ? { region: spec.region } : {}),
    ...(spec.pricing ? { pricing: spec.pricing } : {}),
    ...(spec.perNamespace ? { perNamespace: spec.perNamespace } : {}),
  };
  const refusal = baseURLRefusal(spec);
  if (refusal) {
    const { reason, message } = refusal;
    return { conds: [resolved(false, reason, message), ready(false, reason, message)] };
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
  if (credential === OVERSIZE) {
    const msg = `the credential in Secret "${ref.name}" (key "${ref.key}") is larger than the operator reads`;
    return { conds: [resolved(false, "CredentialTooLarge", msg), ready(false, "CredentialTooLarge", msg)] };
  }
  return {
    provider: { ...base, credential },
    conds: [resolved(true, "Resolved", `credential from Secret "${ref.name}"`), ready(true, "Ready", "")],
  };
}

/** Why a route target cannot be used; the reason is also a Policy condition reason. */
interface TargetProblem {
  reason: "ProviderKeyNotFound" | "NamespaceNotAllowed" | "ProviderKeyNotReady";
  message: string;
}

/** A route target the compile left out: which Policy, where in its spec, and why. */
export interface RouteProblem extends TargetProblem {
  /** `namespace/name` of the Policy. */
  policy: string;
  /** The field at fault, e.g. `spec.routes[0].targets[1].providerKeyRef`. */
  field: string;
}

function targetProblem(
  policy: Policy,
  providerId: string,
  sources: CompileSources,
  usable: Set<string>,
): TargetProblem | undefined {
  const pk = sources.providerKeys.find((p) => objectId(p) === providerId);
  if (!pk) return { reason: "ProviderKeyNotFound", message: `ProviderKey "${providerId}" not found` };
  const policyNs = policy.metadata.namespace;
  if (pk.metadata.namespace !== policyNs) {
    const selector = pk.spec.allowedNamespaces;
    const labels = sources.namespaceLabels(policyNs) ?? {};
    if (!selector || !matchesLabelSelector(selector, labels)) {
      const message = `ProviderKey "${providerId}" does not allow namespace "${policyNs}" (allowedNamespaces)`;
      return { reason: "NamespaceNotAllowed", message };
    }
  }
  if (!usable.has(providerId)) {
    return { reason: "ProviderKeyNotReady", message: `ProviderKey "${providerId}" is not Ready` };
  }
  return undefined;
}

function compiledPolicy(policy: Policy, routes: CompiledPolicy["routes"]): CompiledPolicy {
  const { failOpen, ...limits } = policy.spec.limits ?? {};
  const { content } = policy.spec;
  const guardrails = guardrailSettings(policy.spec.guardrails);
  return {
    routes,
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
    ...(policy.spec.budget ? { budget: policy.spec.budget } : {}),
    ...(content && content.mode !== "off"
      ? {
          content: {
            mode: content.mode,
            ...(content.retentionDays === undefined ? {} : { retentionDays: content.retentionDays }),
          },
        }
      : {}),
    ...(failOpen === undefined ? {} : { failOpen }),
    ...(policy.spec.scopes ? { scopes: policy.spec.scopes } : {}),
    ...(guardrails ? { guardrails } : {}),
  };
}

type PolicyRoute = Policy["spec"]["routes"][number];

/**
 * One route: its usable targets, or, when none is usable, an unavailable entry that keeps
 * the route's place so its models get a clear 503 rather than a later glob's targets.
 */
function compileRoute(
  policy: Policy,
  route: PolicyRoute,
  index: number,
  src: CompileSources,
  usable: Set<string>,
): { route: CompiledRoute; problems: RouteProblem[] } {
  const problems: RouteProblem[] = [];
  const targets: CompiledRoute["targets"] = [];
  route.targets.forEach((t, i) => {
    const provider = `${t.providerKeyRef.namespace ?? policy.metadata.namespace}/${t.providerKeyRef.name}`;
    const problem = targetProblem(policy, provider, src, usable);
    if (problem) {
      const field = `spec.routes[${index}].targets[${i}].providerKeyRef`;
      problems.push({ policy: objectId(policy), field, ...problem });
      return;
    }
    targets.push({
      provider,
      weight: t.weight,
      ...(t.model ? { model: t.model } : {}),
      ...(t.timeoutSeconds ? { timeoutSeconds: t.timeoutSeconds } : {}),
    });
  });
  const first = problems[0];
  if (targets.length > 0 || !first) return { route: { model: route.model, targets }, problems };
  const message = [...new Set(problems.map((p) => p.message))].join("; ");
  return { route: { model: route.model, targets, unavailable: { reason: first.reason, message } }, problems };
}

/**
 * A Policy always compiles: a broken reference takes out only the targets it names (a route
 * with none left answers 503), so one typo never turns the Policy's keys into invalid ones.
 * The conditions say which routes lost what.
 */
function compilePolicy(
  policy: Policy,
  src: CompileSources,
  usable: Set<string>,
): { policy: CompiledPolicy; conds: ConditionInput[]; problems: RouteProblem[] } {
  const compiled = policy.spec.routes.map((route, i) => compileRoute(policy, route, i, src, usable));
  const problems = compiled.flatMap((c) => c.problems);
  const result = compiledPolicy(
    policy,
    compiled.map((c) => c.route),
  );
  const invalid = guardrailProblems(result);
  const conds = routeConditions(result, problems);
  if (!invalid) return { policy: result, conds, problems };
  // Fail closed: the gateways refuse this Policy's requests rather than skip a rule.
  const message = `spec.guardrails: ${invalid}; every request of this Policy is refused until it is fixed`;
  return {
    policy: result,
    conds: [...conds.filter((c) => c.type !== "Ready"), ready(false, "InvalidGuardrails", message)],
    problems,
  };
}

function routeConditions(result: CompiledPolicy, problems: RouteProblem[]): ConditionInput[] {
  const first = problems[0];
  if (!first) return [resolved(true, "Resolved", "all ProviderKeys resolved"), ready(true, "Ready", "")];
  const msg = problems.map((p) => `${p.field}: ${p.message}`).join("; ");
  const serving = result.routes.filter((r) => !r.unavailable).length;
  const readyMsg = `${msg}; ${serving} of ${result.routes.length} routes serving, the others answer 503`;
  return [resolved(false, first.reason, msg), ready(false, first.reason, readyMsg)];
}

/** What is wrong with a Policy's custom guardrail rules (RE2 syntax the schema cannot check), if anything. */
function guardrailProblems(policy: CompiledPolicy): string | undefined {
  if (!policy.guardrails) return undefined;
  const compiled = guardrailsFor(policy.guardrails);
  return compiled.ok ? undefined : compiled.issues.map((i) => `${i.path}: ${i.message}`).join("; ");
}

/** A usable key, or the conditions saying why not; the messages never quote the value. */
function checkKey(
  plaintext: SecretValue | undefined,
  where: RelayKeySecretLocation,
  ns: string,
): { plaintext: string } | { conds: ConditionInput[] } {
  const invalidFormat = () => {
    const msg = `the value in Secret "${where.secretName}" (key "${where.key}") is not ${relayKeyFormatHint}`;
    return { conds: [resolved(false, "InvalidKeyFormat", msg), ready(false, "InvalidKeyFormat", msg)] };
  };
  if (plaintext === OVERSIZE) return invalidFormat();
  if (plaintext === undefined && where.generated) {
    // The operator writes this Secret itself; until its cache sees it, the key is pending.
    const msg = `waiting for Secret "${where.secretName}"`;
    return { conds: [resolved(true, "Resolved", ""), ready(false, "KeyPending", msg)] };
  }
  if (plaintext === undefined) {
    const msg = `Secret "${where.secretName}" with key "${where.key}" not found in namespace "${ns}"`;
    return { conds: [resolved(false, "SecretNotFound", msg), ready(false, "SecretNotFound", msg)] };
  }
  if (plaintext.length < MIN_RELAY_KEY_LENGTH) {
    const msg = `the key in Secret "${where.secretName}" (key "${where.key}") is shorter than ${MIN_RELAY_KEY_LENGTH} characters`;
    return { conds: [resolved(true, "Resolved", ""), ready(false, "WeakKey", msg)] };
  }
  if (!where.generated && !looksLikeRelayKey(plaintext)) return invalidFormat();
  return { plaintext };
}

const resolvedMessage = (rk: RelayKey, where: RelayKeySecretLocation) =>
  where.generated
    ? `Policy "${rk.spec.policyRef.name}" found`
    : `Policy "${rk.spec.policyRef.name}" found; key from Secret "${where.secretName}"`;

function compileRelayKey(
  rk: RelayKey,
  src: CompileSources,
  policies: Record<string, CompiledPolicy>,
): { keys?: CompiledKey[]; facts?: RelayKeyFacts; conds: ConditionInput[] } {
  const ns = rk.metadata.namespace;
  const policyId = `${ns}/${rk.spec.policyRef.name}`;
  // Every Policy compiles (a broken route only answers 503), so a key depends on its existence alone.
  if (!policies[policyId]) {
    const msg = `Policy "${rk.spec.policyRef.name}" not found in namespace "${ns}"`;
    return { conds: [resolved(false, "PolicyNotFound", msg), ready(false, "PolicyNotFound", msg)] };
  }
  const where = relayKeySecretLocation(rk.spec);
  if (!where) {
    const msg = "set exactly one of secretName or secretRef";
    return { conds: [resolved(false, "InvalidSpec", msg), ready(false, "InvalidSpec", msg)] };
  }
  const checked = checkKey(src.relayKeyPlaintext(rk, where), where, ns);
  if ("conds" in checked) return { conds: checked.conds };
  const { plaintext } = checked;
  const expiresAt = rk.spec.expiresAt ? utc(rk.spec.expiresAt) : undefined;
  const key = (hash: string, until?: string): CompiledKey => ({
    hash,
    id: objectId(rk),
    policy: policyId,
    ...(until ? { expiresAt: until } : {}),
    ...(rk.spec.disabled ? { disabled: true } : {}),
    ...(rk.spec.limits ? { limits: rk.spec.limits } : {}),
  });
  const hash = hashRelayKey(plaintext);
  const keys = [key(hash, expiresAt)];
  // Only a key the operator generated is known to be a relay key and nothing else.
  const facts: RelayKeyFacts = where.generated
    ? { keyPrefix: relayKeyPrefix(plaintext), fingerprint: relayKeyFingerprint(hash) }
    : {};
  const history = where.generated ? src.keyHistory?.(rk) : undefined;
  if (history?.rotatedAt !== undefined) facts.rotatedAt = new Date(history.rotatedAt).toISOString();
  if (history?.nextRotationAt !== undefined) {
    facts.nextRotationAt = new Date(history.nextRotationAt).toISOString();
  }
  const previous = history?.previous;
  if (previous && previous.plaintext !== plaintext) {
    // The old key lives on only until the grace ends, and never past the RelayKey's own expiry.
    const graceEnd = new Date(previous.expiresAt).toISOString();
    const until = expiresAt && Date.parse(expiresAt) < previous.expiresAt ? expiresAt : graceEnd;
    keys.push(key(hashRelayKey(previous.plaintext), until));
    facts.previousKeyPrefix = relayKeyPrefix(previous.plaintext);
    facts.previousKeyExpiresAt = graceEnd;
  }
  return {
    keys,
    facts,
    conds: [resolved(true, "Resolved", resolvedMessage(rk, where)), keyState(rk, src.now)],
  };
}

/** RFC 3339 with any offset, as the API server accepts it, to the UTC form the gateway config holds. */
const utc = (timestamp: string) => new Date(Date.parse(timestamp)).toISOString();

function keyState(rk: RelayKey, now: Date): ConditionInput {
  if (rk.spec.disabled) return ready(false, "Disabled", "the key is disabled");
  // CEL has no clock, so a past expiresAt cannot be refused on create; it is reported instead.
  if (rk.spec.expiresAt && Date.parse(rk.spec.expiresAt) <= now.getTime()) {
    return ready(false, "Expired", `the key expired at ${utc(rk.spec.expiresAt)}`);
  }
  return ready(true, "KeyIssued", "");
}

/** The soonest expiresAt still ahead: that RelayKey's Ready condition flips then. */
function nextExpiry(relayKeys: readonly RelayKey[], now: Date): number | undefined {
  let next: number | undefined;
  for (const rk of relayKeys) {
    const at = rk.spec.expiresAt ? Date.parse(rk.spec.expiresAt) : Number.NaN;
    if (at > now.getTime() && (next === undefined || at < next)) next = at;
  }
  return next;
}

/** Recomputes the whole gateway config, and every object's conditions, from the caches. */
export function compile(src: CompileSources): CompileResult {
  const conditions = new Map<string, ConditionInput[]>();
  const relayKeyFacts = new Map<string, RelayKeyFacts>();
  const draft: DraftConfig = { keys: [], policies: {}, providers: {} };

  for (const pk of src.providerKeys) {
    const { provider, conds } = compileProvider(pk, src);
    const caps = pk.spec.perNamespace;
    const shared = src.gatewayLimits
      ? [
          limitsSharedCondition(
            "its perNamespace caps",
            countsAnything(caps?.limits, caps?.budget),
            src.gatewayLimits,
          ),
        ]
      : [];
    conditions.set(`ProviderKey/${objectId(pk)}`, [...conds, ...shared]);
    if (provider) draft.providers[objectId(pk)] = provider;
  }
  const usable = new Set(Object.keys(draft.providers));
  const routeProblems: RouteProblem[] = [];
  for (const policy of src.policies) {
    const result = compilePolicy(policy, src, usable);
    const content = src.gatewayContent ? [contentCondition(policy, src.gatewayContent)] : [];
    const { limits, budget } = policy.spec;
    const shared = src.gatewayLimits
      ? [limitsSharedCondition("its limits and budget", countsAnything(limits, budget), src.gatewayLimits)]
      : [];
    conditions.set(`Policy/${objectId(policy)}`, [...result.conds, ...content, ...shared]);
    draft.policies[objectId(policy)] = result.policy;
    routeProblems.push(...result.problems);
  }
  for (const rk of src.relayKeys) {
    const result = compileRelayKey(rk, src, draft.policies);
    conditions.set(`RelayKey/${objectId(rk)}`, result.conds);
    if (result.keys) draft.keys.push(...result.keys);
    if (result.facts) relayKeyFacts.set(objectId(rk), result.facts);
  }
  draft.keys = withoutSharedKeys(draft.keys, src.relayKeys, conditions, relayKeyFacts);
  // Providers no usable Policy routes to stay out of the gateways' memory.
  const routed = new Set(
    Object.values(draft.policies).flatMap((p) => p.routes.flatMap((r) => r.targets.map((t) => t.provider))),
  );
  for (const id of Object.keys(draft.providers)) if (!routed.has(id)) delete draft.providers[id];
  draft.keys.sort((a, b) => a.id.localeCompare(b.id));
  const wakeAt = nextExpiry(src.relayKeys, src.now);
  return { draft, conditions, relayKeyFacts, routeProblems, ...(wakeAt === undefined ? {} : { wakeAt }) };
}
