import type { CompiledPolicy, CompiledRoute } from "../common/config/gateway-config.js";

/** Compiled globs, kept across requests: as few as the Policies' routes. */
const compiled = new Map<string, RegExp>();

function globToRegExp(glob: string): RegExp {
  const cached = compiled.get(glob);
  if (cached) return cached;
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  const re = new RegExp(`^${escaped}$`);
  if (compiled.size >= 10_000) compiled.clear();
  compiled.set(glob, re);
  return re;
}

const isGlob = (pattern: string) => pattern.includes("*") || pattern.includes("?");

/** The route for a model: an exact name wins over any glob; among globs the first listed wins. */
export function routeFor(policy: CompiledPolicy, model: string): CompiledRoute | undefined {
  return (
    policy.routes.find((r) => !isGlob(r.model) && r.model === model) ??
    policy.routes.find((r) => isGlob(r.model) && globToRegExp(r.model).test(model))
  );
}
