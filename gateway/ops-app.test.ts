import { describe, expect, it } from "vitest";
import { listen } from "../common/process/listen.js";
import { createGatewayMetrics } from "./metrics.js";
import { createOpsApp } from "./ops-app.js";
import { SnapshotHolder } from "./snapshot.js";
import type { ConfigProblem } from "./standalone/config-problem.js";
import { ConfigProblemBoard } from "./standalone/config-problem-board.js";

const typo: ConfigProblem = {
  file: "/etc/kuberelay/policy.yaml",
  object: { kind: "Policy", namespace: "team-a", name: "default" },
  field: "spec.routes[1].targets[0].providerKeyRef",
  reason: "ProviderKeyNotFound",
  message: 'ProviderKey "team-a/mock-opneai" not found',
};

describe("gateway ops app", () => {
  it("issue 10: /readyz stays ready and lists the config problems; the gauge counts them by kind and reason", async () => {
    const metrics = createGatewayMetrics();
    const snapshots = new SnapshotHolder();
    snapshots.swap({ generation: "g1", keys: new Map(), policies: new Map(), providers: new Map() });
    const board = new ConfigProblemBoard(metrics);
    const { server, port } = await listen(
      createOpsApp(metrics, snapshots, () => board.detail()),
      0,
      "127.0.0.1",
    );
    const base = `http://127.0.0.1:${port}`;
    try {
      board.set([typo]);
      const res = await fetch(`${base}/readyz`);
      expect(res.status).toBe(200);
      expect((await res.text()).split("\n")).toEqual([
        "ok generation=g1",
        "config problems: 1",
        '/etc/kuberelay/policy.yaml: Policy team-a/default: spec.routes[1].targets[0].providerKeyRef: ProviderKey "team-a/mock-opneai" not found',
      ]);
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toContain(
        'kuberelay_gateway_config_problems{kind="Policy",reason="ProviderKeyNotFound"} 1',
      );
      // Object names stay out of the labels: they are unbounded.
      expect(text).not.toMatch(/kuberelay_gateway_config_problems\{[^}]*mock-opneai/);

      board.set([]);
      expect(await (await fetch(`${base}/readyz`)).text()).toBe("ok generation=g1");
      expect(await (await fetch(`${base}/metrics`)).text()).not.toContain(
        "kuberelay_gateway_config_problems{",
      );
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
