import type { EventsV1Event } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../common/log.js";
import { EventRecorder } from "../events.js";
import { createOperatorMetrics } from "../metrics.js";
import type { PassResult } from "./reconcile.js";
import { webhookTlsReporter } from "./report.js";

const log = createLogger("test", { sink: () => {} });

function setup() {
  const bodies: EventsV1Event[] = [];
  const events = new EventRecorder(
    async (_ns, body) => {
      bodies.push(body);
    },
    log,
    "operator-0_abcd",
  );
  const metrics = createOperatorMetrics();
  const report = webhookTlsReporter(metrics, events, {
    namespace: "kuberelay-system",
    secretName: "kuberelay-webhook-tls",
  });
  return { bodies, metrics, report };
}

const pass = (actions: PassResult["actions"]): PassResult => ({
  actions,
  nextInMs: 60_000,
  servingSerial: "0A1B2C",
  caFingerprint: "AB:CD:EF:01:23:45:67:89:AB:CD:EF",
  trustedCas: 2,
  servingNotAfter: Date.parse("2026-12-25T00:00:00Z"),
  caNotAfter: Date.parse("2027-11-25T00:00:00Z"),
});

describe("webhookTlsReporter", () => {
  it("records an Event on the serving Secret for each certificate or CA that comes or goes", async () => {
    const { bodies, report } = setup();
    report(pass(["ca-created", "ca-bundle-published", "serving-cert-issued", "ca-retired"]));
    await new Promise((r) => setImmediate(r));
    expect(bodies.map((b) => b.reason)).toEqual([
      "WebhookCaCreated",
      "WebhookCertificateIssued",
      "WebhookCaRetired",
    ]);
    for (const body of bodies) {
      expect(body.regarding).toMatchObject({
        apiVersion: "v1",
        kind: "Secret",
        name: "kuberelay-webhook-tls",
        namespace: "kuberelay-system",
      });
      expect(body.metadata?.namespace).toBe("kuberelay-system");
    }
    expect(bodies[1]?.note).toBe(
      "serving certificate 0A1B2C issued, valid until 2026-12-25T00:00:00.000Z, signed by CA AB:CD:EF:01:23:45:67:89",
    );
  });

  it("sets the expiry gauges and counts every step, Event or not", async () => {
    const { metrics, report } = setup();
    report(pass(["ca-bundle-published"]));
    report(pass([]));
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'kuberelay_operator_webhook_certificate_expiry_timestamp_seconds{certificate="serving"} 1798156800',
    );
    expect(text).toContain(
      'kuberelay_operator_webhook_certificate_expiry_timestamp_seconds{certificate="ca"} 1827100800',
    );
    expect(text).toContain('kuberelay_operator_webhook_tls_actions_total{action="ca-bundle-published"} 1');
  });
});
