import { randomBytes } from "node:crypto";
import express, { type NextFunction, type Request, type Response } from "express";
import type { Logger } from "../common/log.js";
import { GatewayError } from "./errors.js";
import { chatCompletions } from "./handlers/chat-completions.js";
import { codeClass, type GatewayMetrics } from "./metrics.js";
import type { SnapshotHolder } from "./snapshot.js";

export interface AppDeps {
  snapshots: SnapshotHolder;
  log: Logger;
  metrics: GatewayMetrics;
  maxBodyBytes?: number;
}

const notReady = () =>
  new GatewayError(503, "api_error", "the gateway has not loaded its config yet", "not_ready");

function sendError(res: Response, err: unknown): void {
  const e =
    err instanceof GatewayError
      ? err
      : new GatewayError(500, "api_error", "The gateway failed to handle the request.", "internal_error");
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.status(e.status).json(e.toOpenAI());
}

/** Maps express's body-parser failures to OpenAI-shaped 400 / 413 errors. */
function bodyErrors(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  const type = (err as { type?: unknown }).type;
  if (type === "entity.too.large") {
    sendError(
      res,
      new GatewayError(413, "invalid_request_error", "The request body is too large.", "request_too_large"),
    );
  } else if (type === "entity.parse.failed") {
    sendError(
      res,
      new GatewayError(
        400,
        "invalid_request_error",
        "We could not parse the JSON body of your request.",
        null,
      ),
    );
  } else next(err);
}

/** The inference port's app: caller surfaces only. */
export function createGatewayApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.use(express.json({ limit: deps.maxBodyBytes ?? 10 * 1024 * 1024, type: () => true }));
  app.use(bodyErrors);

  app.post("/v1/chat/completions", async (req, res) => {
    const requestId = `req_${randomBytes(12).toString("hex")}`;
    res.setHeader("x-kuberelay-request-id", requestId);
    const started = process.hrtime.bigint();
    const fields: Record<string, unknown> = {
      requestId,
      surface: "openai.chat",
      stream: req.body?.stream === true,
    };
    try {
      const snapshot = deps.snapshots.current;
      if (!snapshot) throw notReady();
      await chatCompletions(req, res, { snapshot, log: deps.log, requestId, fields });
    } catch (err) {
      if (!(err instanceof GatewayError)) fields.error = err;
      sendError(res, err);
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      deps.metrics.requests.inc({ surface: "openai.chat", code_class: codeClass(res.statusCode) });
      deps.metrics.duration.observe({ surface: "openai.chat" }, seconds);
      deps.log.info("request", { ...fields, status: res.statusCode, durationMs: Math.round(seconds * 1000) });
    }
  });

  app.use((_req, res) => {
    sendError(res, new GatewayError(404, "invalid_request_error", "Unknown request URL.", "unknown_url"));
  });
  return app;
}
