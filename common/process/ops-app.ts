import express, { type Express } from "express";
import type { Registry } from "prom-client";
import { metricsTokenFromEnv, requireBearerToken } from "./metrics-token.js";

/** Kubelet probes carry no token: these paths stay open whatever the token says. */
const PROBE_PATHS: ReadonlySet<string> = new Set(["/healthz", "/readyz"]);

/**
 * The plain-HTTP ops port every process has: `/healthz` for the kubelet and `/metrics` for
 * Prometheus. Each process adds its own routes (readiness, status) to the app returned.
 * With a metrics token (KUBERELAY_METRICS_TOKEN), every path but the probes asks for it: the
 * routes a process adds later (the operator's /statusz names Pods) are covered too.
 */
export function createOpsApp(
  registry: Registry,
  metricsToken: string | undefined = metricsTokenFromEnv(process.env),
): Express {
  const app = express();
  app.disable("x-powered-by");
  if (metricsToken !== undefined) {
    const guard = requireBearerToken(metricsToken);
    app.use((req, res, next) => (PROBE_PATHS.has(req.path) ? next() : guard(req, res, next)));
  }
  app.get("/healthz", (_req, res) => {
    res.type("text/plain").send("ok");
  });
  app.get("/metrics", async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return app;
}
