import { describe, expect, it } from "vitest";
import { listen } from "../common/process/listen.js";
import { createOperatorMetrics } from "./metrics.js";
import type { MissedPod } from "./missed-injections/missed-injection.js";
import { createOperatorOpsApp, type OperatorStatus, STATUS_POD_LIMIT } from "./ops-app.js";

describe("operator ops app", () => {
  it("serves the missed-injection count on /metrics and /statusz, capping the listed Pods", async () => {
    const metrics = createOperatorMetrics();
    const missedPods: MissedPod[] = Array.from({ length: STATUS_POD_LIMIT + 1 }, (_, i) => ({
      namespace: "team-a",
      name: `app-${i}`,
      uid: `uid-${i}`,
      by: "annotation",
    }));
    metrics.podsMissingInjection.set(missedPods.length);
    const app = createOperatorOpsApp({
      metrics,
      status: () => ({ identity: "op-0", leading: true, missedPods }),
    });
    const { server, port } = await listen(app, 0, "127.0.0.1");
    try {
      const base = `http://127.0.0.1:${port}`;
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toContain(`kuberelay_operator_pods_missing_injection ${STATUS_POD_LIMIT + 1}`);
      const status = (await (await fetch(`${base}/statusz`)).json()) as OperatorStatus;
      expect(status).toMatchObject({
        identity: "op-0",
        leading: true,
        missedInjections: { count: STATUS_POD_LIMIT + 1, truncated: true },
      });
      expect(status.missedInjections.pods).toHaveLength(STATUS_POD_LIMIT);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      server.close();
    }
  });
});
