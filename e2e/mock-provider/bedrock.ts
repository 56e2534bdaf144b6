import { type Request, type Response, Router } from "express";
import { anthropicMessage, anthropicMessageId, anthropicStreamEvents } from "./bedrock-anthropic.js";
import { converseResponse, converseStreamEvents } from "./bedrock-converse.js";
import {
  bedrockError,
  errorForStatus,
  invalidSignature,
  sendBedrockError,
  validationError,
} from "./bedrock-errors.js";
import { ReplayGuard } from "./bedrock-replay.js";
import { planReply } from "./bedrock-reply.js";
import {
  chunkMessage,
  eventMessage,
  sendBedrockJson,
  startEventStream,
  writeEventStream,
} from "./bedrock-respond.js";
import { type BedrockCredentials, verifySigV4 } from "./bedrock-sigv4.js";
import { validateAnthropicInvoke, validateConverse, validateLlamaInvoke } from "./bedrock-validate.js";
import type { FailureQueue } from "./failures.js";
import { bodyOf } from "./recorder.js";

export type { BedrockCredentials } from "./bedrock-sigv4.js";

/** The slice of the mock server's options this router reads. */
export interface BedrockMockOptions {
  /** Omitted: the router serves nothing and Bedrock paths fall through to the server's 404. */
  bedrock?: BedrockCredentials;
  /** Pause between stream events. */
  chunkDelayMs?: number;
}

// The same default as the server's, so chunk-by-chunk delivery is observable.
const DEFAULT_CHUNK_DELAY_MS = 20;

interface Context {
  credentials: BedrockCredentials;
  chunkDelayMs: number;
  failures: FailureQueue;
  replays: ReplayGuard;
}

type Handler = (req: Request, res: Response, modelId: string, context: Context) => Promise<void>;

/**
 * The four Bedrock runtime operations a relay forwards. The model id is one path segment,
 * percent-encoded by clients (`…-v1%3A0`, ARNs with `%2F`); Express hands it over decoded.
 */
export function bedrockRouter(options: BedrockMockOptions, failures: FailureQueue): Router {
  const router = Router();
  if (!options.bedrock) return router;
  const context: Context = {
    credentials: options.bedrock,
    chunkDelayMs: options.chunkDelayMs ?? DEFAULT_CHUNK_DELAY_MS,
    failures,
    replays: new ReplayGuard(),
  };
  router.post("/model/:modelId/invoke", route(handleInvoke, context));
  router.post("/model/:modelId/invoke-with-response-stream", route(handleInvokeStream, context));
  router.post("/model/:modelId/converse", route(handleConverse, context));
  router.post("/model/:modelId/converse-stream", route(handleConverseStream, context));
  return router;
}

/** Injected failures first, then authentication, as AWS checks the signature before the body. */
function route(handler: Handler, context: Context) {
  return async (req: Request, res: Response): Promise<void> => {
    try {
      if (await admitted(req, res, context)) await handler(req, res, String(req.params.modelId), context);
    } catch (error) {
      // Answer in Bedrock's shape rather than the server's OpenAI-shaped fallback.
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      sendBedrockError(res, bedrockError(500, "InternalServerException", message));
    }
  };
}

async function admitted(req: Request, res: Response, context: Context): Promise<boolean> {
  const failure = context.failures.take();
  if (failure) {
    const error = errorForStatus(failure.status);
    if (failure.body === undefined) sendBedrockError(res, error);
    else sendBedrockJson(res, failure.status, failure.body, { "x-amzn-ErrorType": error.type });
    return false;
  }
  const request = { method: req.method, url: req.originalUrl, headers: req.headers, body: bodyOf(req).raw };
  const verdict = await verifySigV4(request, context.credentials, new Date());
  if (!verdict.ok) {
    sendBedrockError(res, verdict.error);
    return false;
  }
  if (!context.replays.firstUse(verdict.signature, Date.now())) {
    sendBedrockError(res, invalidSignature("Signature has already been used. Sign every request anew."));
    return false;
  }
  return true;
}

/** The mock's streamed InvokeModel speaks only the Anthropic Messages body. */
function anthropicOnly(res: Response, modelId: string): boolean {
  if (modelId.includes("anthropic.")) return true;
  sendBedrockError(
    res,
    validationError(
      `The mock Bedrock runtime streams InvokeModel only for Anthropic models, not ${modelId}.`,
    ),
  );
  return false;
}

const isLlama = (modelId: string) => /(^|[./])meta\.llama/.test(modelId);

async function handleInvoke(req: Request, res: Response, modelId: string): Promise<void> {
  const startedAt = performance.now();
  // Each family has its own body, and Bedrock checks it against that family's schema.
  if (isLlama(modelId)) return handleLlamaInvoke(req, res, startedAt);
  if (!anthropicOnly(res, modelId)) return;
  const validated = validateAnthropicInvoke(bodyOf(req).json);
  if (!validated.ok) return sendBedrockError(res, validated.error);
  const reply = planReply(validated.value);
  sendBedrockJson(
    res,
    200,
    anthropicMessage(modelId, reply, anthropicMessageId()),
    usageHeaders(reply, startedAt),
  );
}

function handleLlamaInvoke(req: Request, res: Response, startedAt: number): void {
  const validated = validateLlamaInvoke(bodyOf(req).json);
  if (!validated.ok) {
    sendBedrockError(res, validated.error);
    return;
  }
  const reply = planReply(validated.value);
  const body = {
    generation: reply.text,
    prompt_token_count: reply.inputTokens,
    generation_token_count: reply.outputTokens,
    stop_reason: reply.stopReason === "max_tokens" ? "length" : "stop",
  };
  sendBedrockJson(res, 200, body, usageHeaders(reply, startedAt));
}

const usageHeaders = (reply: { inputTokens: number; outputTokens: number }, startedAt: number) => ({
  "X-Amzn-Bedrock-Input-Token-Count": String(reply.inputTokens),
  "X-Amzn-Bedrock-Output-Token-Count": String(reply.outputTokens),
  "X-Amzn-Bedrock-Invocation-Latency": String(Math.round(performance.now() - startedAt)),
});

async function handleInvokeStream(
  req: Request,
  res: Response,
  modelId: string,
  context: Context,
): Promise<void> {
  const startedAt = performance.now();
  if (!anthropicOnly(res, modelId)) return;
  const validated = validateAnthropicInvoke(bodyOf(req).json);
  if (!validated.ok) return sendBedrockError(res, validated.error);
  const reply = planReply(validated.value);
  startEventStream(res, { "X-Amzn-Bedrock-Content-Type": "application/json" });
  const events = anthropicStreamEvents(modelId, reply, anthropicMessageId(), startedAt);
  const complete = await writeEventStream(res, map(events, chunkMessage), context.chunkDelayMs);
  if (complete) res.end();
}

async function handleConverse(req: Request, res: Response): Promise<void> {
  const startedAt = performance.now();
  const validated = validateConverse(bodyOf(req).json);
  if (!validated.ok) return sendBedrockError(res, validated.error);
  sendBedrockJson(res, 200, converseResponse(planReply(validated.value), startedAt));
}

async function handleConverseStream(
  req: Request,
  res: Response,
  _modelId: string,
  context: Context,
): Promise<void> {
  const startedAt = performance.now();
  const validated = validateConverse(bodyOf(req).json);
  if (!validated.ok) return sendBedrockError(res, validated.error);
  startEventStream(res);
  const events = converseStreamEvents(planReply(validated.value), startedAt);
  const messages = map(events, (event) => eventMessage(event.eventType, event.payload));
  const complete = await writeEventStream(res, messages, context.chunkDelayMs);
  if (complete) res.end();
}

/** Lazy, so each event is built only when the writer is ready to send it. */
function* map<T, U>(items: Iterable<T>, transform: (item: T) => U): Generator<U> {
  for (const item of items) yield transform(item);
}
