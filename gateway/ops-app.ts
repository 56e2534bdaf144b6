import express from "express";
import type { GatewayMetrics } from "./metrics.js";
import type { SnapshotHolder } from "./snapshot.js";

/** The metrics and health port: `/metrics`, `/healthz`, `/readyz` (ready once a config is loaded). */
export function createOpsApp(metrics: GatewayMetrics, snapshots: SnapshotHolder): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.get("/healthz", (_req, res) => {
    res.type("text/plain").send("ok");
  });
  app.get("/readyz", (_req, res) => {
    const snap = snapshots.current;
    if (snap) res.type("text/plain").send(`ok generation=${snap.generation}`);
    else res.status(503).type("text/plain").send("no config loaded yet");
  });
  app.get("/metrics", async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return app;
}
