import type { ServerResponse } from "node:http";
import { sendBedrockJson } from "./bedrock-respond.js";

/** An error as Bedrock reports it: the status, the type in x-amzn-ErrorType, and `{"message"}`. */
export interface BedrockError {
  status: number;
  type: string;
  message: string;
}

// Authentication is answered by AWS's shared front end, everything else by Bedrock itself; the
// header names the namespace after a colon, which clients strip.
const FRONT_END_ERRORS = new Set([
  "IncompleteSignatureException",
  "InvalidSignatureException",
  "MissingAuthenticationTokenException",
  "UnrecognizedClientException",
]);
const FRONT_END_NAMESPACE = "http://internal.amazon.com/coral/com.amazon.coral.service/";
const BEDROCK_NAMESPACE = "http://internal.amazon.com/coral/com.amazon.bedrock/";

export function sendBedrockError(res: ServerResponse, error: BedrockError): void {
  const namespace = FRONT_END_ERRORS.has(error.type) ? FRONT_END_NAMESPACE : BEDROCK_NAMESPACE;
  sendBedrockJson(
    res,
    error.status,
    { message: error.message },
    { "x-amzn-ErrorType": `${error.type}:${namespace}` },
  );
}

export const bedrockError = (status: number, type: string, message: string): BedrockError => ({
  status,
  type,
  message,
});

export const validationError = (message: string) => bedrockError(400, "ValidationException", message);

export const missingAuthentication = () =>
  bedrockError(403, "MissingAuthenticationTokenException", "Missing Authentication Token");

export const incompleteSignature = (message: string) =>
  bedrockError(400, "IncompleteSignatureException", message);

export const invalidSignature = (message: string) => bedrockError(403, "InvalidSignatureException", message);

export const signatureMismatch = () =>
  invalidSignature(
    "The request signature we calculated does not match the signature you provided. Check your AWS " +
      "Secret Access Key and signing method. Consult the service documentation for details.",
  );

export const unrecognizedClient = () =>
  bedrockError(403, "UnrecognizedClientException", "The security token included in the request is invalid.");

/** Bodies for failures injected without one, typed and worded like Bedrock's for the same status. */
export function errorForStatus(status: number): BedrockError {
  switch (status) {
    case 400:
      return validationError("Injected failure with status 400.");
    case 403:
      return bedrockError(
        403,
        "AccessDeniedException",
        "You don't have access to the model with the specified model ID.",
      );
    case 404:
      return bedrockError(
        404,
        "ResourceNotFoundException",
        "Could not resolve the foundation model from the provided model identifier.",
      );
    case 408:
      return bedrockError(408, "ModelTimeoutException", "Model has timed out in processing the request.");
    case 424:
      return bedrockError(424, "ModelErrorException", "The model returned an error.");
    case 429:
      return bedrockError(429, "ThrottlingException", "Too many requests, please wait before trying again.");
    case 503:
      return bedrockError(503, "ServiceUnavailableException", "Bedrock is unable to process your request.");
    default:
      return status >= 500
        ? bedrockError(status, "InternalServerException", "The server encountered an internal error.")
        : bedrockError(status, "ValidationException", `Injected failure with status ${status}.`);
  }
}
