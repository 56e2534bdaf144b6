import type { Request } from "express";
import { badRequest, type ErrorKind, type GatewayError } from "../errors.js";
import type { Operation } from "../pipeline/types.js";
import type { RequestReader, Surface } from "./surface.js";

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

/** Headers with API meaning that the upstream must see as the caller sent them. */
const PASSED = ["anthropic-version", "anthropic-beta"];

export function anthropicReader(operation: Operation): RequestReader {
  return (body: Record<string, unknown>, req: Request) => {
    const model = body.model;
    if (typeof model !== "string" || model === "") throw badRequest("model: Field required", "model");
    const passHeaders: Record<string, string> = {};
    for (const h of PASSED) {
      const v = req.headers[h];
      if (typeof v === "string") passHeaders[h] = v;
    }
    const stream = operation === "messages" && body.stream === true;
    return { operation, model, stream, body, passHeaders };
  };
}
