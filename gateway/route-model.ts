import type { CompiledPolicy, CompiledRoute } from "../common/config/gateway-config.js";
import { compileGlob, type GlobMatcher } from "./glob-match.js";

/**
 * Compiled globs, kept across requests: as few as the Policies' routes. Bounded so a
 * stream of config generations with fresh globs cannot grow it without end.
 */
const compiled = new Map<string, GlobMatcher>();

function matcherFor(glob: string): GlobMatcher {
  const cached = compiled.get(glob);
  if (cached) return cached;
  const matcher = compileGlob(glob);
  if (compiled.size >= 10_000) compiled.clear();
  compiled.set(glob, matcher);
  return matcher;
}

const isGlob = (pattern: string) => pattern.includes("*") || pattern.includes("?");

/** The route for a model: an exact name wins over any glob; among globs the first listed wins. */
export function routeFor(policy: CompiledPolicy, model: string): CompiledRoute | undefined {
  return (
    policy.routes.find((r) => !isGlob(r.model) && r.model === model) ??
    policy.routes.find((r) => isGlob(r.model) && matcherFor(r.model)(model))
  );
}
