import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticate, callerKey } from "./caller-auth.js";
import { GatewayError } from "./errors.js";
import { sendError, sendJson } from "./respond.js";
import { checkScope } from "./scopes.js";
import type { SnapshotHolder } from "./snapshot.js";
import { anthropicSurface } from "./surfaces/anthropic.js";
import { openaiSurface } from "./surfaces/openai.js";

const isGlob = (m: string) => m.includes("*") || m.includes("?");

/**
 * `GET /v1/models`: the model names the key's Policy routes by exact name (a glob cannot be
 * listed). Anthropic's SDK sends `anthropic-version`, and gets Anthropic's list shape.
 */
export function listModels(snapshots: SnapshotHolder) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const anthropic = typeof req.headers["anthropic-version"] === "string";
    const surface = anthropic ? anthropicSurface : openaiSurface;
    try {
      const snapshot = snapshots.current;
      if (!snapshot) throw new GatewayError("unavailable", "the gateway has not loaded its config yet");
      const key = authenticate(snapshot, callerKey(req.headers), new Date());
      const policy = snapshot.policies.get(key.policy);
      // As for inference: a Policy this gateway cannot read fully is refused, not listed as empty.
      if (policy?.unreadable)
        throw new GatewayError("unavailable", policy.unreadable.message, { code: "policy_unreadable" });
      if (policy) checkScope(policy, surface.name, "models");
      const routes = policy?.routes ?? [];
      const ids = [...new Set(routes.map((r) => r.model).filter((m) => !isGlob(m)))].sort();
      if (anthropic) {
        const data = ids.map((id) => ({
          type: "model",
          id,
          display_name: id,
          created_at: "1970-01-01T00:00:00Z",
        }));
        const list = {
          data,
          has_more: false,
          first_id: ids[0] ?? null,
          last_id: ids[ids.length - 1] ?? null,
        };
        sendJson(res, 200, JSON.stringify(list));
      } else {
        const list = {
          object: "list",
          data: ids.map((id) => ({ id, object: "model", created: 0, owned_by: "kuberelay" })),
        };
        sendJson(res, 200, JSON.stringify(list));
      }
    } catch (err) {
      const e =
        err instanceof GatewayError
          ? err
          : new GatewayError("internal", "The gateway failed to list models.");
      sendError(req, res, surface.renderError(e));
    }
  };
}
