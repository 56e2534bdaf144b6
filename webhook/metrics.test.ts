import { describe, expect, it } from "vitest";
import { buildAdmissionResponse } from "./admission-review.js";
import { createWebhookMetrics, recordAdmission } from "./metrics.js";
import { createOpsApp } from "./ops-app.js";

describe("recordAdmission and the ops app", () => {
  it("counts results and warning reasons and serves them on /metrics", async () => {
    const metrics = createWebhookMetrics();
    recordAdmission(
      metrics,
      {
        review: buildAdmissionResponse("u"),
        summary: { uid: "u", injected: [], warnings: ["w"] },
        result: "warned",
        warningReasons: ["RelayKeyNotFound"],
      },
      0.004,
    );
    recordAdmission(
      metrics,
      {
        review: buildAdmissionResponse("v"),
        summary: { uid: "v", injected: ["OPENAI_BASE_URL", "NOT_OURS"], warnings: [] },
        result: "injected",
        warningReasons: [],
      },
      0.002,
    );
    recordAdmission(
      metrics,
      {
        review: buildAdmissionResponse(undefined),
        summary: { uid: undefined, injected: [], warnings: [] },
        result: "error",
        errorReason: "MalformedReview",
        warningReasons: [],
      },
      0.0001,
    );
    const server = createOpsApp(metrics).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(text).toContain('kuberelay_webhook_admissions_total{result="warned"} 1');
      expect(text).toContain('kuberelay_webhook_warnings_total{reason="RelayKeyNotFound"} 1');
      expect(text).toContain('kuberelay_webhook_admissions_total{result="injected"} 1');
      expect(text).toContain('kuberelay_webhook_injected_variables_total{variable="OPENAI_BASE_URL"} 1');
      expect(text).not.toContain("NOT_OURS");
      expect(text).toContain('kuberelay_webhook_errors_total{reason="MalformedReview"} 1');
      expect(text).toContain("kuberelay_webhook_admission_duration_seconds_count 3");
      expect(text).toContain('kuberelay_webhook_admission_duration_seconds_bucket{le="0.0025"} 2');
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      server.close();
    }
  });
});
