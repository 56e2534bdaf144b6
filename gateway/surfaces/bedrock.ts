import type { ErrorKind, GatewayError } from "../errors.js";
import type { Operation } from "../pipeline/types.js";
import { readModelName } from "./request-fields.js";
import type { CallerRequest, RequestReader, Surface } from "./surface.js";

/** Bedrock's error types: the AWS SDK picks its exception class by `x-amzn-ErrorType`. */
const awsType: Record<ErrorKind, string> = {
  authentication: "UnrecognizedClientException",
  permission: "AccessDeniedException",
  invalid_request: "ValidationException",
  not_found: "ResourceNotFoundException",
  request_too_large: "ValidationException",
  rate_limit: "ThrottlingException",
  upstream: "ServiceUnavailableException",
  timeout: "ModelTimeoutException",
  unavailable: "ServiceUnavailableException",
  not_supported: "ValidationException",
  internal: "InternalServerException",
};

export const bedrockSurface: Surface = {
  name: "bedrock",
  renderError: (err: GatewayError) => ({
    status: err.status,
    headers: {
      "content-type": "application/json",
      "x-amzn-errortype": awsType[err.kind],
      ...err.details.headers,
    },
    body: JSON.stringify({ message: err.message }),
  }),
};

/** Bedrock runtime: the model id is in the path; streaming is decided by the operation. */
export function bedrockReader(operation: Operation): RequestReader {
  return (body: Record<string, unknown>, req: CallerRequest) => {
    const model = readModelName(req.params.modelId, "a model id is required in the path");
    const stream = operation === "invoke_stream" || operation === "converse_stream";
    return { operation, model, stream, body, passHeaders: {} };
  };
}
