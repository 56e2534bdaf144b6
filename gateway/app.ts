import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { GatewayError } from "./errors.js";
import { InferenceRouter, type Miss } from "./inference-router.js";
import { listModels } from "./models-list.js";
import { handleInference, type InferenceDeps } from "./pipeline/handle-inference.js";
import type { Operation } from "./pipeline/types.js";
import { sendError } from "./respond.js";
import { anthropicReader, anthropicSurface } from "./surfaces/anthropic.js";
import { azureReader, azureSurface } from "./surfaces/azure.js";
import { bedrockReader, bedrockSurface } from "./surfaces/bedrock.js";
import { openaiReader, openaiSurface } from "./surfaces/openai.js";
import type { RequestReader, Surface } from "./surfaces/surface.js";

/** An unknown URL, or a path parameter that is not valid URL encoding: an OpenAI-shaped error. */
function missed(req: IncomingMessage, res: ServerResponse, why: Miss): void {
  const e =
    why.reason === "not_found"
      ? new GatewayError("not_found", `Unknown request URL: ${req.method} ${why.path}.`, {
          code: "unknown_url",
        })
      : new GatewayError("invalid_request", "The request path is not valid URL encoding.", {
          code: "invalid_path",
        });
  sendError(req, res, openaiSurface.renderError(e));
}

/**
 * The inference port's handler: every caller surface, nothing else. No body parser runs before
 * the routes: a body is read only once its caller is authenticated, under its key's limit.
 */
export function createGatewayApp(deps: InferenceDeps): RequestListener {
  const route =
    (surface: Surface, op: Operation, read: RequestReader) =>
    (req: IncomingMessage, res: ServerResponse, params: Record<string, string>) =>
      void handleInference({ req, res, params }, surface, op, read, deps);
  const openai = (op: Operation) => route(openaiSurface, op, openaiReader(op));
  const azure = (op: Operation) => route(azureSurface, op, azureReader(op));
  const anthropic = (op: Operation) => route(anthropicSurface, op, anthropicReader(op));
  const bedrock = (op: Operation) => route(bedrockSurface, op, bedrockReader(op));

  return new InferenceRouter(missed)
    .on("POST", "/v1/chat/completions", openai("chat"))
    .on("POST", "/v1/completions", openai("completions"))
    .on("POST", "/v1/embeddings", openai("embeddings"))
    .on("POST", "/v1/responses", openai("responses"))
    .on("GET", "/v1/models", listModels(deps.snapshots))
    .on("POST", "/v1/messages", anthropic("messages"))
    .on("POST", "/v1/messages/count_tokens", anthropic("count_tokens"))
    .on("POST", "/model/:modelId/invoke", bedrock("invoke"))
    .on("POST", "/model/:modelId/invoke-with-response-stream", bedrock("invoke_stream"))
    .on("POST", "/model/:modelId/converse", bedrock("converse"))
    .on("POST", "/model/:modelId/converse-stream", bedrock("converse_stream"))
    .on("POST", "/openai/deployments/:deployment/chat/completions", azure("chat"))
    .on("POST", "/openai/deployments/:deployment/completions", azure("completions"))
    .on("POST", "/openai/deployments/:deployment/embeddings", azure("embeddings")).listener;
}
