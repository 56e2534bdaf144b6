import express, { type Request, type Response } from "express";
import { GatewayError } from "./errors.js";
import { listModels } from "./models-list.js";
import { handleInference, type InferenceDeps } from "./pipeline/handle-inference.js";
import type { Operation } from "./pipeline/types.js";
import { anthropicReader, anthropicSurface } from "./surfaces/anthropic.js";
import { azureReader, azureSurface } from "./surfaces/azure.js";
import { bedrockReader, bedrockSurface } from "./surfaces/bedrock.js";
import { openaiReader, openaiSurface } from "./surfaces/openai.js";
import type { RequestReader, Surface } from "./surfaces/surface.js";

/**
 * The inference port's app: every caller surface, nothing else. No body parser runs before
 * the routes: a body is read only once its caller is authenticated, under its key's limit.
 */
export function createGatewayApp(deps: InferenceDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);

  const route = (surface: Surface, read: RequestReader) => (req: Request, res: Response) =>
    handleInference(req, res, surface, read, deps);
  const openai = (op: Operation) => route(openaiSurface, openaiReader(op));
  const azure = (op: Operation) => route(azureSurface, azureReader(op));
  const anthropic = (op: Operation) => route(anthropicSurface, anthropicReader(op));
  const bedrock = (op: Operation) => route(bedrockSurface, bedrockReader(op));

  app.post("/v1/chat/completions", openai("chat"));
  app.post("/v1/completions", openai("completions"));
  app.post("/v1/embeddings", openai("embeddings"));
  app.post("/v1/responses", openai("responses"));
  app.get("/v1/models", listModels(deps.snapshots));
  app.post("/v1/messages", anthropic("messages"));
  app.post("/v1/messages/count_tokens", anthropic("count_tokens"));
  app.post("/model/:modelId/invoke", bedrock("invoke"));
  app.post("/model/:modelId/invoke-with-response-stream", bedrock("invoke_stream"));
  app.post("/model/:modelId/converse", bedrock("converse"));
  app.post("/model/:modelId/converse-stream", bedrock("converse_stream"));
  app.post("/openai/deployments/:deployment/chat/completions", azure("chat"));
  app.post("/openai/deployments/:deployment/completions", azure("completions"));
  app.post("/openai/deployments/:deployment/embeddings", azure("embeddings"));

  app.use((req: Request, res: Response) => {
    const e = new GatewayError("not_found", `Unknown request URL: ${req.method} ${req.path}.`, {
      code: "unknown_url",
    });
    answer(req, res, e);
  });
  app.use((_err: unknown, req: Request, res: Response, _next: express.NextFunction) => {
    if (res.headersSent) return void res.destroy();
    answer(req, res, new GatewayError("internal", "The gateway failed to handle the request."));
  });
  return app;
}

/** An OpenAI-shaped error; a body nobody read is not drained: the connection closes. */
function answer(req: Request, res: Response, e: GatewayError): void {
  const rendered = openaiSurface.renderError(e);
  if (!req.complete) res.setHeader("connection", "close");
  res.status(rendered.status).set(rendered.headers).send(rendered.body);
}
