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

/** Bodies are read raw (to enforce each key's size limit after authentication); this caps them all. */
const HARD_BODY_LIMIT = 64 * 1024 * 1024;

/** The inference port's app: every caller surface, nothing else. */
export function createGatewayApp(deps: InferenceDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.use(express.raw({ type: () => true, limit: HARD_BODY_LIMIT }));

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
    const rendered = openaiSurface.renderError(
      new GatewayError("not_found", `Unknown request URL: ${req.method} ${req.path}.`, {
        code: "unknown_url",
      }),
    );
    res.status(rendered.status).set(rendered.headers).send(rendered.body);
  });
  // Body-reader failures (over the hard cap, aborted uploads) happen before any route.
  app.use((err: unknown, _req: Request, res: Response, _next: express.NextFunction) => {
    const tooLarge = (err as { type?: unknown }).type === "entity.too.large";
    const e = tooLarge
      ? new GatewayError("request_too_large", "The request body is too large.", { code: "request_too_large" })
      : badBody();
    const rendered = openaiSurface.renderError(e);
    res.status(rendered.status).set(rendered.headers).send(rendered.body);
  });
  return app;
}

const badBody = () => new GatewayError("invalid_request", "The request body could not be read.");
