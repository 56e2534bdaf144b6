import { type Request, type Response, Router } from "express";
import type { Model } from "openai/resources/models";
import type { FailureQueue } from "./failures.js";
import { checkOpenAIAuth } from "./openai-auth.js";
import { type OpenAIEndpoint, serveOpenAIEndpoint } from "./openai-endpoint.js";
import {
  chatEndpoint,
  embeddingsEndpoint,
  responsesEndpoint,
  textCompletionEndpoint,
} from "./openai-endpoints.js";
import { errorForStatus, openaiError } from "./openai-errors.js";
import { sendOpenAIJson } from "./openai-respond.js";

export interface OpenAIMockOptions {
  apiKey: string;
  /** Pause between stream chunks. */
  chunkDelayMs: number;
  failures: FailureQueue;
}

const MODEL_IDS = ["gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "o4-mini"];
// A fixed timestamp keeps the model list identical across runs.
const MODELS_CREATED = 1_715_367_049;

export function openaiRouter(options: OpenAIMockOptions): Router {
  const router = Router();
  router.post("/v1/chat/completions", serve(chatEndpoint, options));
  router.post("/v1/completions", serve(textCompletionEndpoint, options));
  router.post("/v1/embeddings", serve(embeddingsEndpoint, options));
  router.post("/v1/responses", serve(responsesEndpoint, options));
  router.get("/v1/models", (req, res) => handleListModels(req, res, options));
  router.get("/v1/models/:model", (req, res) => handleGetModel(req, res, options));
  return router;
}

/**
 * Injected failures win over everything, then auth, as upstream checks the key before it
 * looks at the body. Returns false once it has answered.
 */
function admit(req: Request, res: Response, options: OpenAIMockOptions, startedAt: number): boolean {
  const failure = options.failures.take();
  if (failure) {
    sendOpenAIJson(res, failure.status, failure.body ?? errorForStatus(failure.status), startedAt);
    return false;
  }
  const authError = checkOpenAIAuth(req.headers.authorization, options.apiKey);
  if (authError) {
    sendOpenAIJson(res, 401, authError, startedAt);
    return false;
  }
  return true;
}

function serve<Req>(endpoint: OpenAIEndpoint<Req>, options: OpenAIMockOptions) {
  return async (req: Request, res: Response): Promise<void> => {
    const startedAt = performance.now();
    if (!admit(req, res, options, startedAt)) return;
    await serveOpenAIEndpoint(endpoint, req, res, { startedAt, chunkDelayMs: options.chunkDelayMs });
  };
}

function handleListModels(req: Request, res: Response, options: OpenAIMockOptions): void {
  const startedAt = performance.now();
  if (!admit(req, res, options, startedAt)) return;
  sendOpenAIJson(res, 200, { object: "list", data: MODEL_IDS.map(model) }, startedAt);
}

function handleGetModel(req: Request, res: Response, options: OpenAIMockOptions): void {
  const startedAt = performance.now();
  if (!admit(req, res, options, startedAt)) return;
  const id = String(req.params.model);
  if (MODEL_IDS.includes(id)) {
    sendOpenAIJson(res, 200, model(id), startedAt);
    return;
  }
  const message = `The model '${id}' does not exist or you do not have access to it.`;
  sendOpenAIJson(res, 404, openaiError(message, { param: "model", code: "model_not_found" }), startedAt);
}

function model(id: string): Model {
  return { id, object: "model", created: MODELS_CREATED, owned_by: "system" };
}
