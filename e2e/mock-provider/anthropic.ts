import { type Request, type Response, Router } from "express";
import {
  type AnthropicErrorBody,
  anthropicError,
  anthropicErrorForStatus,
  invalidRequest,
} from "./anthropic-errors.js";
import { sendAnthropicJson } from "./anthropic-respond.js";
import { serveCountTokens, serveMessages } from "./anthropic-serve.js";
import type { FailureQueue } from "./failures.js";

export interface AnthropicMockOptions {
  apiKey: string;
  /** Pause between stream events. */
  chunkDelayMs: number;
  failures: FailureQueue;
}

// Versions are dates; the mock accepts any date so a newer SDK's default does not break tests.
const VERSION_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

type Admission = { ok: true; apiVersion: string } | { ok: false; status: number; body: AnthropicErrorBody };

/**
 * Anthropic shares the /v1 prefix with OpenAI, so this router claims only /v1/messages and what
 * lies beneath it; everything else falls through to the OpenAI routes.
 */
export function anthropicRouter(options: AnthropicMockOptions): Router {
  const router = Router();
  router.post("/v1/messages", async (req, res) => {
    const apiVersion = admit(req, res, options);
    if (apiVersion !== undefined) {
      await serveMessages(req, res, { kind: "direct", apiVersion }, options.chunkDelayMs);
    }
  });
  router.post("/v1/messages/count_tokens", (req, res) => {
    const apiVersion = admit(req, res, options);
    if (apiVersion !== undefined) serveCountTokens(req, res, apiVersion);
  });
  router.use("/v1/messages", (_req, res) => {
    sendAnthropicJson(res, 404, anthropicError("not_found_error", "Not Found"));
  });
  return router;
}

/**
 * Injected failures win over everything, then the key, then the version header. Returns the
 * API version the request asked for, or undefined once it has answered.
 */
function admit(req: Request, res: Response, options: AnthropicMockOptions): string | undefined {
  const failure = options.failures.take();
  if (failure) {
    sendAnthropicJson(res, failure.status, failure.body ?? anthropicErrorForStatus(failure.status));
    return undefined;
  }
  const admission = checkHeaders(req, options.apiKey);
  if (!admission.ok) {
    sendAnthropicJson(res, admission.status, admission.body);
    return undefined;
  }
  return admission.apiVersion;
}

function checkHeaders(req: Request, apiKey: string): Admission {
  const keyError = checkKey(req, apiKey);
  if (keyError) return { ok: false, status: 401, body: keyError };
  const version = req.header("anthropic-version");
  if (version === undefined || version === "") {
    return { ok: false, status: 400, body: invalidRequest("anthropic-version: header is required") };
  }
  if (!VERSION_PATTERN.test(version)) {
    return {
      ok: false,
      status: 400,
      body: invalidRequest(`anthropic-version: invalid version '${version}'`),
    };
  }
  return { ok: true, apiVersion: version };
}

/**
 * Anthropic takes the key in x-api-key or, as SDKs from API version 2026-10-21 on send it, as a
 * bearer token. Every credential presented must be the key, so a relay that forwards its caller's
 * credential next to the provider's is caught.
 */
function checkKey(req: Request, apiKey: string): AnthropicErrorBody | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(req.header("authorization") ?? "")?.[1]?.trim();
  const presented = [req.header("x-api-key"), bearer].filter(
    (key): key is string => key !== undefined && key !== "",
  );
  if (presented.length === 0) return anthropicError("authentication_error", "x-api-key header is required");
  if (presented.some((key) => key !== apiKey))
    return anthropicError("authentication_error", "invalid x-api-key");
  return undefined;
}
