import type { CompiledPolicy } from "../common/config/gateway-config.js";
import type { CallerSurface, ScopeOperation } from "../common/schemas/scopes.js";
import { GatewayError } from "./errors.js";
import type { Operation } from "./pipeline/types.js";

/** The operation a Policy names for a route's: streaming is not a scope of its own. */
export function scopeOperationOf(operation: Operation | "models"): ScopeOperation {
  if (operation === "invoke_stream") return "invoke";
  if (operation === "converse_stream") return "converse";
  return operation;
}

/**
 * Refuses a call outside the Policy's scopes with 403, before the body is read: a key scoped to
 * embeddings cannot make the gateway buffer a chat request it will refuse anyway.
 */
export function checkScope(
  policy: CompiledPolicy,
  surface: CallerSurface,
  operation: Operation | "models",
): void {
  const { scopes } = policy;
  if (!scopes) return;
  const op = scopeOperationOf(operation);
  if (scopes.surfaces && !scopes.surfaces.includes(surface)) {
    throw new GatewayError("permission", `This key's Policy does not allow the ${surface} API.`, {
      code: "scope_not_allowed",
    });
  }
  if (scopes.operations && !scopes.operations.includes(op)) {
    throw new GatewayError("permission", `This key's Policy does not allow the ${op} operation.`, {
      code: "scope_not_allowed",
    });
  }
}
