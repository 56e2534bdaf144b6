import { type Request, type Response, Router } from "express";
import { anthropicErrorForStatus } from "./anthropic-errors.js";
import { sendAnthropicJson } from "./anthropic-respond.js";
import { serveMessages } from "./anthropic-serve.js";
import type { FailureQueue } from "./failures.js";
import {
  googleErrorForStatus,
  notFoundError,
  permissionDeniedError,
  unauthenticatedError,
} from "./google-errors.js";
import { googleOAuthRouter } from "./google-oauth.js";
import type { GoogleTokenStore } from "./google-token-store.js";
import { type GeminiMethod, serveGemini } from "./vertex-gemini.js";
import { sendVertexJson } from "./vertex-respond.js";

export interface VertexMockConfig {
  /** The only project whose model paths answer; any other gets Google's 403. */
  projectId: string;
  /** The service account whose signed assertions /token accepts. */
  serviceAccountEmail: string;
  /** Verifies those assertions; pair it with the private key in the account's key file. */
  publicKeyPem: string;
  /** expires_in of issued access tokens; defaults to Google's 3599. */
  tokenLifetimeSeconds?: number;
}

export interface VertexMockDeps {
  tokens: GoogleTokenStore;
  chunkDelayMs: number;
  failures: FailureQueue;
}

interface VertexModelOptions extends VertexMockDeps {
  projectId: string;
}

/** The model methods served, by publisher; a model path ends in `{model}:{method}`. */
const METHODS = {
  anthropic: ["rawPredict", "streamRawPredict"],
  google: ["generateContent", "streamGenerateContent"],
} as const;

type Target =
  | { publisher: "anthropic"; model: string }
  | { publisher: "google"; model: string; method: GeminiMethod };

const MODEL_PATHS = ["v1", "v1beta1"].map(
  (version) => `/${version}/projects/:project/locations/:region/publishers/:publisher/models/:modelMethod`,
);

/**
 * Vertex AI's publisher-model endpoints for Claude and Gemini, plus the OAuth token endpoint
 * that mints the access tokens they require.
 */
export function vertexRouter(config: VertexMockConfig, deps: VertexMockDeps): Router {
  const router = Router();
  router.use(googleOAuthRouter({ ...config, tokens: deps.tokens }));
  const options = { ...deps, projectId: config.projectId };
  router.post(MODEL_PATHS, (req, res) => handleModel(req, res, options));
  return router;
}

async function handleModel(req: Request, res: Response, options: VertexModelOptions): Promise<void> {
  const target = parseTarget(String(req.params.publisher), String(req.params.modelMethod));
  if (target === undefined) {
    sendVertexJson(res, 404, notFoundError(req.path));
    return;
  }
  const failure = options.failures.take();
  if (failure) {
    sendFailure(res, target.publisher, failure.status, failure.body);
    return;
  }
  if (!options.tokens.isValid(bearerToken(req))) {
    sendVertexJson(res, 401, unauthenticatedError());
    return;
  }
  // Google checks the token's identity before the resource, so a wrong project is a 403, not a 404.
  const { project, region } = req.params;
  if (project !== options.projectId) {
    const resource = `projects/${project}/locations/${region}/publishers/${target.publisher}/models/${target.model}`;
    sendVertexJson(res, 403, permissionDeniedError(resource));
    return;
  }
  if (target.publisher === "anthropic") {
    await serveMessages(req, res, { kind: "vertex", model: target.model }, options.chunkDelayMs);
  } else {
    await serveGemini(req, res, target.method, target.model, options.chunkDelayMs);
  }
}

function parseTarget(publisher: string, modelMethod: string): Target | undefined {
  const separator = modelMethod.lastIndexOf(":");
  if (separator < 1) return undefined;
  const model = modelMethod.slice(0, separator);
  const method = modelMethod.slice(separator + 1);
  if (publisher === "anthropic" && METHODS.anthropic.some((m) => m === method)) return { publisher, model };
  const geminiMethod = METHODS.google.find((m) => m === method);
  if (publisher === "google" && geminiMethod !== undefined) return { publisher, model, method: geminiMethod };
  return undefined;
}

/** Claude on Vertex reports model-side failures in Anthropic's shape; Gemini in Google's. */
function sendFailure(res: Response, publisher: Target["publisher"], status: number, body: unknown): void {
  if (publisher === "anthropic") sendAnthropicJson(res, status, body ?? anthropicErrorForStatus(status));
  else sendVertexJson(res, status, body ?? googleErrorForStatus(status));
}

function bearerToken(req: Request): string {
  const match = /^Bearer\s+(.+)$/i.exec(req.header("authorization") ?? "");
  return match?.[1]?.trim() ?? "";
}
