/** Anthropic's error envelope; the SDK maps status to an error class and exposes this as `error`. */
export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "overloaded_error";

export interface AnthropicErrorBody {
  type: "error";
  error: { type: AnthropicErrorType; message: string };
}

export function anthropicError(type: AnthropicErrorType, message: string): AnthropicErrorBody {
  return { type: "error", error: { type, message } };
}

export function invalidRequest(message: string): AnthropicErrorBody {
  return anthropicError("invalid_request_error", message);
}

/** Bodies for failures injected without one, typed as Anthropic types the same status. */
export function anthropicErrorForStatus(status: number): AnthropicErrorBody {
  switch (status) {
    case 400:
      return invalidRequest("Injected failure with status 400.");
    case 401:
      return anthropicError("authentication_error", "invalid x-api-key");
    case 403:
      return anthropicError(
        "permission_error",
        "Your API key does not have permission to use the specified resource.",
      );
    case 404:
      return anthropicError("not_found_error", "Not found");
    case 413:
      return anthropicError("request_too_large", "Request exceeds the maximum allowed number of bytes.");
    case 429:
      return anthropicError(
        "rate_limit_error",
        "This request would exceed the rate limit for your organization of 50 requests per minute.",
      );
    // 529 is Anthropic's own status for "every model server is busy", distinct from a 5xx fault.
    case 529:
      return anthropicError("overloaded_error", "Overloaded");
    default:
      return status >= 500
        ? anthropicError("api_error", "Internal server error")
        : invalidRequest(`Injected failure with status ${status}.`);
  }
}
