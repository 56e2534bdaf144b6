import type { Express } from "express";
import { createOpsApp as createBaseOpsApp } from "../common/process/ops-app.js";
import type { GatewayMetrics } from "./metrics.js";
import type { SnapshotHolder } from "./snapshot.js";

/** The metrics and health port: `/metrics`, `/healthz`, `/readyz` (ready once a config is loaded). */
export function createOpsApp(metrics: GatewayMetrics, snapshots: SnapshotHolder): Express {
  const app = createBaseOpsApp(metrics.registry);
  app.get("/readyz", (_req, res) => {
    const snap = snapshots.current;
    if (snap) res.type("text/plain").send(`ok generation=${snap.generation}`);
    else res.status(503).type("text/plain").send("no config loaded yet");
  });
  return app;
}
