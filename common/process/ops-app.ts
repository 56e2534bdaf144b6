import express, { type Express } from "express";
import type { Registry } from "prom-client";

/**
 * The plain-HTTP ops port every process has: `/healthz` for the kubelet and `/metrics` for
 * Prometheus. Each process adds its own routes (readiness, status) to the app returned.
 */
export function createOpsApp(registry: Registry): Express {
  const app = express();
  app.disable("x-powered-by");
  app.get("/healthz", (_req, res) => {
    res.type("text/plain").send("ok");
  });
  app.get("/metrics", async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return app;
}
