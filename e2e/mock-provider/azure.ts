import { type Request, type Response, Router } from "express";
import {
  type AzureErrorBody,
  azureErrorForStatus,
  deploymentNotFoundError,
  invalidKeyError,
  missingKeyError,
  resourceNotFoundError,
  unsupportedVersionError,
} from "./azure-errors.js";
import type { FailureQueue } from "./failures.js";
import { type OpenAIEndpoint, serveOpenAIEndpoint } from "./openai-endpoint.js";
import { chatEndpoint, embeddingsEndpoint, textCompletionEndpoint } from "./openai-endpoints.js";
import { sendOpenAIJson } from "./openai-respond.js";

export interface AzureMockConfig {
  apiKey: string;
  /** Deployment name to the model it serves; the model is what responses report. */
  deployments: Record<string, string>;
}

export interface AzureMockOptions extends AzureMockConfig {
  chunkDelayMs: number;
  failures: FailureQueue;
}

// Azure's versions are dates, optionally with -preview; anything else it does not serve.
const VERSION_PATTERN = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

/** Azure OpenAI's deployment-scoped data plane: OpenAI's bodies under /openai/deployments/{name}. */
export function azureRouter(options: AzureMockOptions): Router {
  const router = Router();
  const base = "/openai/deployments/:deployment";
  router.post(`${base}/chat/completions`, serve(chatEndpoint, options));
  router.post(`${base}/completions`, serve(textCompletionEndpoint, options));
  router.post(`${base}/embeddings`, serve(embeddingsEndpoint, options));
  router.use("/openai", (_req, res) => {
    sendOpenAIJson(res, 404, resourceNotFoundError(), performance.now());
  });
  return router;
}

function serve<Req>(endpoint: OpenAIEndpoint<Req>, options: AzureMockOptions) {
  return async (req: Request, res: Response): Promise<void> => {
    const startedAt = performance.now();
    const admitted = admit(req, options);
    if ("status" in admitted) {
      sendOpenAIJson(res, admitted.status, admitted.body, startedAt);
      return;
    }
    await serveOpenAIEndpoint(endpoint, req, res, {
      startedAt,
      chunkDelayMs: options.chunkDelayMs,
      model: admitted.model,
    });
  };
}

/**
 * Injected failures first, then what Azure checks before the model sees the body: the API
 * version, the key, the deployment. Yields the deployment's model when all pass.
 */
function admit(
  req: Request,
  options: AzureMockOptions,
): { model: string } | { status: number; body: unknown } {
  const apiVersion = typeof req.query["api-version"] === "string" ? req.query["api-version"] : "";
  const failure = options.failures.take();
  if (failure)
    return { status: failure.status, body: failure.body ?? azureErrorForStatus(failure.status, apiVersion) };
  const rejection = checkRequest(req, apiVersion, options.apiKey);
  if (rejection) return rejection;
  const model = deploymentModel(options.deployments, String(req.params.deployment));
  return model === undefined ? { status: 404, body: deploymentNotFoundError() } : { model };
}

function checkRequest(
  req: Request,
  apiVersion: string,
  apiKey: string,
): { status: number; body: AzureErrorBody } | undefined {
  if (apiVersion === "") return { status: 404, body: resourceNotFoundError() };
  if (!VERSION_PATTERN.test(apiVersion)) return { status: 400, body: unsupportedVersionError() };
  const key = req.header("api-key");
  if (key === undefined || key === "") return { status: 401, body: missingKeyError() };
  if (key !== apiKey) return { status: 401, body: invalidKeyError() };
  return undefined;
}

/** Own properties only, so a deployment named like an Object.prototype member is still unknown. */
function deploymentModel(deployments: Record<string, string>, name: string): string | undefined {
  return Object.hasOwn(deployments, name) ? deployments[name] : undefined;
}
