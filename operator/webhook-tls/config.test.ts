import { describe, expect, it } from "vitest";
import { desiredSans, parseTlsDuration, parseWebhookTlsFlags } from "./config.js";

const base = {
  "webhook-tls-secret": "kr-webhook-tls",
  "webhook-config": "kr",
  "webhook-service": "kr-webhook",
};

describe("webhook TLS flags", () => {
  it("is off without --webhook-tls-secret", () => {
    expect(parseWebhookTlsFlags({}, "ns")).toBeUndefined();
  });

  it("defaults to a 90-day certificate renewed 30 days early and a separate CA Secret", () => {
    const c = parseWebhookTlsFlags(base, "ns");
    expect(c).toMatchObject({
      caSecretName: "kr-webhook-tls-ca",
      certValidityMs: 2160 * 3_600_000,
      certRenewBeforeMs: 720 * 3_600_000,
      propagationMs: 120_000,
    });
  });

  it("needs the webhook configuration and Service names", () => {
    expect(() => parseWebhookTlsFlags({ "webhook-tls-secret": "x", "webhook-config": "y" }, "ns")).toThrow(
      /--webhook-service is required/,
    );
  });

  it("refuses to put the CA key where the webhook can read it", () => {
    expect(() => parseWebhookTlsFlags({ ...base, "webhook-ca-secret": "kr-webhook-tls" }, "ns")).toThrow(
      /must differ/,
    );
  });

  it("refuses timings under which a rotation could break admissions", () => {
    const short = { ...base, "webhook-cert-validity": "40s", "webhook-ca-validity": "60s" };
    expect(() =>
      parseWebhookTlsFlags(
        {
          ...short,
          "webhook-cert-renew-before": "4s",
          "webhook-ca-renew-before": "25s",
          "webhook-tls-propagation": "3s",
        },
        "ns",
      ),
    ).toThrow(/at least twice --webhook-tls-propagation/);
    expect(() =>
      parseWebhookTlsFlags(
        {
          ...short,
          "webhook-cert-renew-before": "13s",
          "webhook-ca-renew-before": "14s",
          "webhook-tls-propagation": "3s",
        },
        "ns",
      ),
    ).toThrow(/--webhook-ca-renew-before must exceed/);
    expect(
      parseWebhookTlsFlags(
        {
          ...short,
          "webhook-cert-renew-before": "13s",
          "webhook-ca-renew-before": "25s",
          "webhook-tls-propagation": "3s",
        },
        "ns",
      ),
    ).toMatchObject({ certValidityMs: 40_000, caRenewBeforeMs: 25_000 });
  });

  it("parses durations with units and refuses others", () => {
    expect(parseTlsDuration("x", "2m", 0)).toBe(120_000);
    expect(parseTlsDuration("x", "1.5h", 0)).toBe(5_400_000);
    expect(parseTlsDuration("x", "250ms", 0)).toBe(250);
    expect(() => parseTlsDuration("webhook-cert-validity", "3d", 0)).toThrow(/--webhook-cert-validity/);
    expect(() => parseTlsDuration("x", "0s", 0)).toThrow(/positive/);
  });

  it("puts the Service DNS names and extra SANs in the certificate", () => {
    const c = parseWebhookTlsFlags(
      { ...base, "webhook-tls-extra-sans": "127.0.0.1, webhook.example.com" },
      "ns",
    );
    expect(c && desiredSans(c)).toEqual({
      dnsNames: [
        "kr-webhook",
        "kr-webhook.ns",
        "kr-webhook.ns.svc",
        "kr-webhook.ns.svc.cluster.local",
        "webhook.example.com",
      ],
      ipAddresses: ["127.0.0.1"],
    });
    expect(() => parseWebhookTlsFlags({ ...base, "webhook-tls-extra-sans": "not valid" }, "ns")).toThrow(
      /neither a DNS name nor an IP/,
    );
  });
});
