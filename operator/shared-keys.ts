import type { ConditionInput } from "../common/conditions.js";
import type { CompiledKey } from "../common/config/gateway-config.js";
import { type RelayKey, relayKeySecretLocation } from "../common/schemas/relay-key.js";

/** Facts are keyed by `namespace/name`, like CompiledKey.id. */
interface HasFacts {
  delete(id: string): boolean;
}

const DUPLICATE_MESSAGE = "this key is already in use by another RelayKey; give each RelayKey its own";

/** Milliseconds since the epoch, or +Infinity when unknown (an object not yet stored sorts last). */
function createdAt(rk: RelayKey): number {
  const value: unknown = rk.metadata.creationTimestamp;
  const ms =
    value instanceof Date ? value.getTime() : typeof value === "string" ? Date.parse(value) : Number.NaN;
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
}

/**
 * Who keeps a key that several RelayKeys hold: a key the operator generated beats one brought
 * by secretRef (which can only be a copy of it), then the oldest RelayKey, then the uid, so
 * the order is the same on every compile and on every operator replica.
 */
function holderOrder(a: RelayKey, b: RelayKey): number {
  const generated = (rk: RelayKey) => (relayKeySecretLocation(rk.spec)?.generated ? 0 : 1);
  return (
    generated(a) - generated(b) ||
    createdAt(a) - createdAt(b) ||
    (a.metadata.uid ?? "").localeCompare(b.metadata.uid ?? "") ||
    `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`)
  );
}

/**
 * Two RelayKeys holding the same plaintext share one hash, and the gateway's lookup would
 * answer with either. The holder that came first keeps serving; each later one is refused
 * whole. Its condition says only that the key is in use: naming the other holder would tell a
 * tenant who guessed or copied a key where it lives, and refusing both would let anyone who
 * learns a key disable it.
 */
export function withoutSharedKeys(
  keys: readonly CompiledKey[],
  relayKeys: readonly RelayKey[],
  conditions: Map<string, ConditionInput[]>,
  facts: HasFacts,
): CompiledKey[] {
  const hashesOf = new Map<string, string[]>();
  for (const k of keys) hashesOf.set(k.id, [...(hashesOf.get(k.id) ?? []), k.hash]);
  const claimed = new Map<string, string>();
  const refused = new Set<string>();
  for (const rk of [...relayKeys].sort(holderOrder)) {
    const id = `${rk.metadata.namespace}/${rk.metadata.name}`;
    const hashes = hashesOf.get(id) ?? [];
    if (hashes.some((h) => (claimed.get(h) ?? id) !== id)) {
      refused.add(id);
      continue;
    }
    for (const h of hashes) claimed.set(h, id);
  }
  for (const id of refused) {
    conditions.set(`RelayKey/${id}`, [
      { type: "ResolvedRefs", status: "True", reason: "Resolved", message: "" },
      { type: "Ready", status: "False", reason: "DuplicateKey", message: DUPLICATE_MESSAGE },
    ]);
    facts.delete(id);
  }
  return keys.filter((k) => !refused.has(k.id));
}
