import type { Request } from "express";
import { badRequest, type GatewayError } from "../errors.js";
import type { Operation } from "../pipeline/types.js";
import type { RequestReader, Surface } from "./surface.js";

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
  return (body: Record<string, unknown>, req: Request) => {
    const deployment = req.params.deployment;
    if (typeof deployment !== "string" || deployment === "")
      throw badRequest("a deployment name is required in the path");
    const stream = operation !== "embeddings" && body.stream === true;
    return { operation, model: deployment, stream, body: { ...body, model: deployment }, passHeaders: {} };
  };
}
