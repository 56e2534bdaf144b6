/** What went wrong, independent of the API shape the caller speaks. */
export type ErrorKind =
  | "authentication"
  | "permission"
  | "invalid_request"
  | "not_found"
  | "request_too_large"
  | "rate_limit"
  | "upstream"
  | "timeout"
  | "unavailable"
  | "not_supported"
  | "internal";

const statusOf: Record<ErrorKind, number> = {
  authentication: 401,
  permission: 403,
  invalid_request: 400,
  not_found: 404,
  request_too_large: 413,
  rate_limit: 429,
  upstream: 502,
  timeout: 504,
  unavailable: 503,
  not_supported: 501,
  internal: 500,
};

/**
 * An error the gateway answers with. Each caller surface renders it in its provider's own
 * error shape (surfaces/*). Messages never carry a credential.
 */
export class GatewayError extends Error {
  override readonly name = "GatewayError";
  readonly status: number;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly details: {
      code?: string;
      param?: string;
      headers?: Record<string, string>;
      status?: number;
    } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = details.status ?? statusOf[kind];
  }
}

export const unauthorized = (message: string) =>
  new GatewayError("authentication", message, { code: "invalid_api_key" });
export const badRequest = (message: string, param?: string) =>
  new GatewayError("invalid_request", message, param ? { param } : {});
export const modelNotFound = (model: string) =>
  new GatewayError("not_found", `The model \`${model}\` does not exist or you do not have access to it.`, {
    code: "model_not_found",
    param: "model",
  });
export const upstreamUnavailable = (message: string, cause?: unknown) =>
  new GatewayError("upstream", message, { code: "upstream_unavailable" }, { cause });

/** A route whose every target's ProviderKey is missing, not Ready or not granted (see the Policy's status). */
export const routeUnavailable = (message: string) =>
  new GatewayError("unavailable", `route unavailable: ${message}`, { code: "route_unavailable" });
