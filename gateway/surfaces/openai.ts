import type { ErrorKind, GatewayError } from "../errors.js";
import type { Operation } from "../pipeline/types.js";
import { checkChoiceCounts, readModelName, readStreamFlag } from "./request-fields.js";
import type { CallerRequest, RequestReader, Surface } from "./surface.js";

/** OpenAI's error `type` for each kind, as its API and SDK expect. */
const openaiType: Record<ErrorKind, string> = {
  authentication: "invalid_request_error",
  permission: "invalid_request_error",
  invalid_request: "invalid_request_error",
  not_found: "invalid_request_error",
  request_too_large: "invalid_request_error",
  rate_limit: "requests",
  upstream: "server_error",
  timeout: "server_error",
  unavailable: "server_error",
  not_supported: "invalid_request_error",
  internal: "server_error",
};

export function openaiErrorBody(err: GatewayError): string {
  return JSON.stringify({
    error: {
      message: err.message,
      type: openaiType[err.kind],
      param: err.details.param ?? null,
      code: err.details.code ?? null,
    },
  });
}

export const openaiSurface: Surface = {
  name: "openai",
  renderError: (err) => ({
    status: err.status,
    headers: { "content-type": "application/json", ...err.details.headers },
    body: openaiErrorBody(err),
  }),
};

/** Reads `model` and `stream` from an OpenAI-shaped body. */
export function openaiReader(operation: Operation): RequestReader {
  return (body: Record<string, unknown>, _req: CallerRequest) => {
    const model = readModelName(body.model, "you must provide a model parameter", "model");
    const stream = readStreamFlag(body) && operation !== "embeddings";
    checkChoiceCounts(body);
    return { operation, model, stream, body, passHeaders: {} };
  };
}
