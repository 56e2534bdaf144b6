/**
 * What a TLS pass tells an operator of the cluster: expiry gauges to alert on, a counter per step,
 * and an Event on the serving Secret for each certificate or CA that comes or goes. Names,
 * serials, fingerprints and dates only: never key material.
 */
import type { EventRecorder, OperatorEvent } from "../events.js";
import type { OperatorMetrics } from "../metrics.js";
import type { WebhookTlsConfig } from "./config.js";
import type { PassResult, TlsAction } from "./reconcile.js";

const iso = (ms: number) => new Date(ms).toISOString();
const shortFingerprint = (fp: string) => fp.slice(0, 23);

export function tlsEvent(action: TlsAction, result: PassResult): OperatorEvent | undefined {
  switch (action) {
    case "serving-cert-issued":
      return {
        type: "Normal",
        reason: "WebhookCertificateIssued",
        action: "IssueCertificate",
        note:
          `serving certificate ${result.servingSerial ?? "?"} issued, valid until ` +
          `${result.servingNotAfter === undefined ? "?" : iso(result.servingNotAfter)}, signed by CA ${shortFingerprint(result.caFingerprint)}`,
      };
    case "ca-created":
      return {
        type: "Normal",
        reason: "WebhookCaCreated",
        action: "CreateCa",
        note:
          `CA ${shortFingerprint(result.caFingerprint)} created, valid until ${iso(result.caNotAfter)}; ` +
          "it is trusted by every webhook entry before it signs a served certificate",
      };
    case "ca-retired":
      return {
        type: "Normal",
        reason: "WebhookCaRetired",
        action: "RetireCa",
        note: `a replaced CA is no longer trusted: nothing it signed is served; ${result.trustedCas} CA(s) trusted now`,
      };
    case "ca-bundle-published":
      // On every CA change, or a repair after someone reset caBundle: the metric counts it.
      return undefined;
  }
}

export function webhookTlsReporter(
  metrics: OperatorMetrics,
  events: EventRecorder,
  config: Pick<WebhookTlsConfig, "namespace" | "secretName">,
): (result: PassResult) => void {
  const secret = { metadata: { name: config.secretName, namespace: config.namespace } };
  return (result) => {
    metrics.webhookCertificateExpiry.set({ certificate: "ca" }, result.caNotAfter / 1000);
    if (result.servingNotAfter !== undefined) {
      metrics.webhookCertificateExpiry.set({ certificate: "serving" }, result.servingNotAfter / 1000);
    }
    for (const action of result.actions) {
      metrics.webhookTlsActions.inc({ action });
      const event = tlsEvent(action, result);
      if (event) void events.record("Secret", secret, event, "v1");
    }
  };
}
