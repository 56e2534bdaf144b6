import type { ErrorKind, GatewayError } from "../errors.js";
import type { Operation } from "../pipeline/types.js";
import { checkAnthropicBetas } from "./anthropic-betas.js";
import { readModelName, readStreamFlag } from "./request-fields.js";
import type { CallerRequest, RequestReader, Surface } from "./surface.js";

const anthropicType: Record<ErrorKind, string> = {
  authentication: "authentication_error",
  permission: "permission_error",
  invalid_request: "invalid_request_error",
  not_found: "not_found_error",
  request_too_large: "request_too_large",
  rate_limit: "rate_limit_error",
  upstream: "api_error",
  timeout: "api_error",
  unavailable: "overloaded_error",
  not_supported: "invalid_request_error",
  internal: "api_error",
};

export const anthropicSurface: Surface = {
  name: "anthropic",
  renderError: (err: GatewayError) => ({
    status: err.status,
    headers: { "content-type": "application/json", ...err.details.headers },
    body: JSON.stringify({ type: "error", error: { type: anthropicType[err.kind], message: err.message } }),
  }),
};

export function anthropicReader(operation: Operation): RequestReader {
  return (body: Record<string, unknown>, req: CallerRequest) => {
    const model = readModelName(body.model, "model: Field required", "model");
    const passHeaders: Record<string, string> = {};
    const version = req.headers["anthropic-version"];
    if (typeof version === "string") passHeaders["anthropic-version"] = version;
    const betas = req.headers["anthropic-beta"];
    if (typeof betas === "string") {
      const checked = checkAnthropicBetas(betas);
      if (checked !== "") passHeaders["anthropic-beta"] = checked;
    }
    const stream = readStreamFlag(body) && operation === "messages";
    return { operation, model, stream, body, passHeaders };
  };
}
