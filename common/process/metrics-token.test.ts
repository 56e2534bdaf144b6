import type { Express } from "express";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createGatewayMetrics } from "../../gateway/metrics.js";
import { createOpsApp as createGatewayOpsApp } from "../../gateway/ops-app.js";
import { SnapshotHolder } from "../../gateway/snapshot.js";
import { createOperatorMetrics } from "../../operator/metrics.js";
import { createOperatorOpsApp } from "../../operator/ops-app.js";
import { createWebhookMetrics } from "../../webhook/metrics.js";
import { createOpsApp as createWebhookOpsApp } from "../../webhook/ops-app.js";
import { listen } from "./listen.js";
import { METRICS_TOKEN_ENV, metricsTokenFromEnv } from "./metrics-token.js";

const TOKEN = "metrics-token-0123456789abcdef";

/** Each process's ops app, built as its command builds it: the token comes from the environment. */
const processes: Record<string, () => Express> = {
  gateway: () => {
    const snapshots = new SnapshotHolder();
    snapshots.swap({ generation: "g1", keys: new Map(), policies: new Map(), providers: new Map() });
    return createGatewayOpsApp(createGatewayMetrics(), snapshots);
  },
  operator: () =>
    createOperatorOpsApp({
      metrics: createOperatorMetrics(),
      status: () => ({ identity: "op-0", leading: true, missedPods: [] }),
    }),
  webhook: () => createWebhookOpsApp(createWebhookMetrics()),
};

async function serve(app: Express) {
  const { server, port } = await listen(app, 0, "127.0.0.1");
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${port}${path}`, { headers });
  return { get, close: () => new Promise((r) => server.close(r)) };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("metrics bearer token", () => {
  for (const [name, build] of Object.entries(processes)) {
    it(`issue 15: ${name}: /metrics asks for the token; probes stay open`, async () => {
      vi.stubEnv(METRICS_TOKEN_ENV, `${TOKEN}\n`);
      const logged = vi.spyOn(process.stdout, "write");
      const ops = await serve(build());
      try {
        const refused = await ops.get("/metrics");
        expect(refused.status).toBe(401);
        expect(refused.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
        expect(
          (await ops.get("/metrics", { authorization: "Bearer wrong-token-of-some-length" })).status,
        ).toBe(401);
        expect((await ops.get("/metrics", { authorization: `Basic ${TOKEN}` })).status).toBe(401);
        expect((await ops.get("/metrics/", { authorization: "Bearer x" })).status).toBe(401);
        const allowed = await ops.get("/metrics", { authorization: `Bearer ${TOKEN}` });
        expect(allowed.status).toBe(200);
        expect(await allowed.text()).toContain("process_cpu_seconds_total");
        expect((await ops.get("/healthz")).status).toBe(200);
        if (name === "gateway") expect((await ops.get("/readyz")).status).toBe(200);
        // The operator's /statusz names Pods: it is behind the token too.
        if (name === "operator") {
          expect((await ops.get("/statusz")).status).toBe(401);
          expect((await ops.get("/statusz", { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
        }
        const output = logged.mock.calls.map((c) => String(c[0])).join("");
        expect(output).not.toContain(TOKEN);
      } finally {
        logged.mockRestore();
        await ops.close();
      }
    });

    it(`issue 15: ${name}: without the variable /metrics is open, as before`, async () => {
      vi.stubEnv(METRICS_TOKEN_ENV, "");
      const ops = await serve(build());
      try {
        expect((await ops.get("/metrics")).status).toBe(200);
      } finally {
        await ops.close();
      }
    });
  }

  it("issue 15: a short token is refused at start, and the message does not repeat it", () => {
    let message = "";
    try {
      metricsTokenFromEnv({ [METRICS_TOKEN_ENV]: "hunter2" });
    } catch (err) {
      message = String(err);
    }
    expect(message).toContain(METRICS_TOKEN_ENV);
    expect(message).not.toContain("hunter2");
  });
});
