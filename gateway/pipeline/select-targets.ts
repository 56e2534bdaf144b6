import type { CompiledRoute } from "../../common/config/gateway-config.js";

type RouteTarget = CompiledRoute["targets"][number];

/**
 * The order to try a route's targets in: the first by weight (so traffic splits as the
 * Policy says), then the others in the order they are listed — the fallback order.
 */
export function orderTargets(
  targets: readonly RouteTarget[],
  random: () => number = Math.random,
): RouteTarget[] {
  if (targets.length <= 1) return [...targets];
  const total = targets.reduce((sum, t) => sum + t.weight, 0);
  let pick = random() * total;
  let first = 0;
  for (let i = 0; i < targets.length; i++) {
    pick -= targets[i]?.weight ?? 0;
    if (pick < 0) {
      first = i;
      break;
    }
  }
  const chosen = targets[first];
  return chosen ? [chosen, ...targets.filter((_, i) => i !== first)] : [...targets];
}

/**
 * Attempts in order: every target once, then around again until `maxAttempts`, so a
 * single-target route still gets bounded retries.
 */
export function attemptPlan<T>(ordered: readonly T[], maxAttempts: number): T[] {
  if (ordered.length === 0) return [];
  const n = Math.max(ordered.length, maxAttempts);
  return Array.from({ length: n }, (_, i) => ordered[i % ordered.length] as T);
}

/** Exponential backoff with ±50% jitter, capped: spreads retries from many callers. */
export function backoffMs(
  attempt: number,
  random: () => number = Math.random,
  baseMs = 50,
  capMs = 1000,
): number {
  const exp = Math.min(baseMs * 2 ** Math.max(0, attempt - 1), capMs);
  return Math.round(exp * (0.5 + random()));
}
