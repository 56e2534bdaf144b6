import type { CompiledPolicy, CompiledRoute } from "../common/config/gateway-config.js";

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`);
}

const isGlob = (pattern: string) => pattern.includes("*") || pattern.includes("?");

/** The route for a model: an exact name wins over any glob; among globs the first listed wins. */
export function routeFor(policy: CompiledPolicy, model: string): CompiledRoute | undefined {
  return (
    policy.routes.find((r) => !isGlob(r.model) && r.model === model) ??
    policy.routes.find((r) => isGlob(r.model) && globToRegExp(r.model).test(model))
  );
}
