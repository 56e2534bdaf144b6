import express, { type Express, type NextFunction, type Request, type Response } from "express";
import type { Logger } from "../common/log.js";
import type { AdmissionOutcome } from "./admit.js";
import { recordAdmission, type WebhookMetrics } from "./metrics.js";
import { isRecord } from "./type-guards.js";

/** AdmissionReviews are Pods plus an envelope; a Pod is far below this and etcd refuses objects above it. */
export const DEFAULT_BODY_LIMIT = "1mb";

export interface WebhookAppOptions {
  admit: (body: unknown) => Promise<AdmissionOutcome>;
  logger: Logger;
  bodyLimit?: string | number;
  metrics?: WebhookMetrics;
}

export function createWebhookApp(options: WebhookAppOptions): Express {
  const { logger } = options;
  const app = express();
  app.disable("x-powered-by");

  app.get("/healthz", (_req, res) => {
    res.type("text/plain").send("ok");
  });

  app.post(
    "/mutate",
    express.json({ limit: options.bodyLimit ?? DEFAULT_BODY_LIMIT, type: "application/json" }),
    async (req: Request, res: Response) => {
      if (!req.is("application/json")) {
        res.status(415).json({ error: "content-type must be application/json" });
        return;
      }
      const started = performance.now();
      const outcome = await options.admit(req.body);
      const { review, summary } = outcome;
      const elapsedMs = performance.now() - started;
      if (options.metrics) recordAdmission(options.metrics, outcome, elapsedMs / 1000);
      const { injected, error, ...rest } = summary;
      const fields = {
        ...rest,
        result: outcome.result,
        injectedCount: injected.length,
        injected,
        durationMs: Math.round(elapsedMs * 10) / 10,
      };
      if (error === undefined) logger.info("admission", fields);
      else logger.warn("admission", { ...fields, error });
      res.json(review);
    },
  );

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = httpStatusOf(err);
    if (status === 500) {
      logger.error("request failed", { status, error: err });
      res.status(500).json({ error: "internal error" });
      return;
    }
    logger.warn("request refused", { status, error: err });
    res.status(status).json({ error: messageOf(err) });
  });

  return app;
}

/** body-parser errors carry their status (400 bad JSON, 413 too large); anything else is ours. */
function httpStatusOf(err: unknown): number {
  const status = isRecord(err) ? err.status : undefined;
  return typeof status === "number" && status >= 400 && status < 500 ? status : 500;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : "bad request";
}
