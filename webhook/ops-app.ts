import express, { type Express } from "express";
import type { WebhookMetrics } from "./metrics.js";

/** Plain HTTP beside the TLS admission port: Prometheus and kubelet probes need no client certificate. */
export function createOpsApp(metrics: WebhookMetrics): Express {
  const app = express();
  app.disable("x-powered-by");
  app.get("/healthz", (_req, res) => {
    res.type("text/plain").send("ok");
  });
  app.get("/metrics", async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return app;
}
