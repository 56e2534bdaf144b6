import type { Express } from "express";
import { createOpsApp as createBaseOpsApp } from "../common/process/ops-app.js";
import type { GatewayMetrics } from "./metrics.js";
import type { SnapshotHolder } from "./snapshot.js";

/**
 * The metrics and health port: `/metrics`, `/healthz`, `/readyz` (ready once a config is
 * loaded). `detail` adds lines after the first (standalone mode's config problems): a broken
 * reference does not make the gateway unready, since the rest of the config still serves.
 */
export function createOpsApp(
  metrics: GatewayMetrics,
  snapshots: SnapshotHolder,
  detail: () => readonly string[] = () => [],
): Express {
  const app = createBaseOpsApp(metrics.registry);
  app.get("/readyz", (_req, res) => {
    const snap = snapshots.current;
    const lines = detail();
    const body = (first: string) => [first, ...lines].join("\n");
    if (snap) res.type("text/plain").send(body(`ok generation=${snap.generation}`));
    else res.status(503).type("text/plain").send(body("no config loaded yet"));
  });
  return app;
}
