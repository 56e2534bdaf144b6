import type { GatewayError } from "../errors.js";
import type { Operation } from "../pipeline/types.js";
import { checkChoiceCounts, readModelName, readStreamFlag } from "./request-fields.js";
import type { CallerRequest, RequestReader, Surface } from "./surface.js";

/**
 * Azure OpenAI's deployments path: the deployment name is the model the caller asks for,
 * and is what the Policy routes on. Errors carry a string `code` like Azure's.
 */
export const azureSurface: Surface = {
  name: "azure",
  renderError: (err: GatewayError) => ({
    status: err.status,
    headers: { "content-type": "application/json", ...err.details.headers },
    body: JSON.stringify({
      error: {
        code: err.details.code ?? String(err.status),
        message: err.message,
        param: err.details.param ?? null,
      },
    }),
  }),
};

export function azureReader(operation: Operation): RequestReader {
  return (body: Record<string, unknown>, req: CallerRequest) => {
    const deployment = readModelName(req.params.deployment, "a deployment name is required in the path");
    const stream = readStreamFlag(body) && operation !== "embeddings";
    checkChoiceCounts(body);
    return { operation, model: deployment, stream, body: { ...body, model: deployment }, passHeaders: {} };
  };
}
