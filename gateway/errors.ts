/** An error the gateway answers with, shaped like the caller's API (OpenAI's for now). */
export class GatewayError extends Error {
  override readonly name = "GatewayError";

  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toOpenAI(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export const unauthorized = (message: string) =>
  new GatewayError(401, "invalid_request_error", message, "invalid_api_key");
export const badRequest = (message: string, param: string | null = null) =>
  new GatewayError(400, "invalid_request_error", message, null, param);
export const modelNotFound = (model: string) =>
  new GatewayError(
    404,
    "invalid_request_error",
    `The model \`${model}\` does not exist or you do not have access to it.`,
    "model_not_found",
    "model",
  );
export const upstreamUnavailable = (message: string, cause?: unknown) =>
  new GatewayError(502, "api_error", message, "upstream_unavailable", null, { cause });
