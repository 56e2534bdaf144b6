/** Flags of the operator's webhook TLS manager, parsed and checked for a rotation that cannot break admissions. */
import { isIP } from "node:net";

export interface WebhookTlsConfig {
  namespace: string;
  /** kubernetes.io/tls Secret the webhook serves from: tls.crt, tls.key, ca.crt. */
  secretName: string;
  /** Holds the CA's private key; the webhook cannot read it. */
  caSecretName: string;
  /** MutatingWebhookConfiguration whose every entry gets the CA bundle. */
  webhookConfigName: string;
  /** The webhook's Service, whose DNS names the serving certificate carries. */
  serviceName: string;
  /** More SANs: DNS names or IP addresses (e.g. a webhook called by URL). */
  extraSans: string[];
  certValidityMs: number;
  certRenewBeforeMs: number;
  caValidityMs: number;
  caRenewBeforeMs: number;
  /**
   * How long a change takes to reach every reader: the API server's view of the CA bundle and
   * every webhook replica's view of the serving Secret. A new CA is used only this long after it
   * was published; a replaced CA stays trusted this long after the last certificate it signed was.
   */
  propagationMs: number;
}

export const webhookTlsFlagsUsage = `  --webhook-tls-secret NAME      manage the webhook's serving certificate in this kubernetes.io/tls Secret
                                 (off unless set; then --webhook-config and --webhook-service are required)
  --webhook-ca-secret NAME       Secret holding the CA and its key (default <webhook-tls-secret>-ca)
  --webhook-config NAME          MutatingWebhookConfiguration whose caBundle the operator keeps
  --webhook-service NAME         the webhook's Service (its DNS names go into the certificate)
  --webhook-tls-extra-sans LIST  comma-separated extra DNS names or IP addresses
  --webhook-cert-validity D      serving certificate lifetime (default 2160h)
  --webhook-cert-renew-before D  renew this long before it expires (default 720h)
  --webhook-ca-validity D        CA lifetime (default 43800h)
  --webhook-ca-renew-before D    replace the CA this long before it expires (default 8760h)
  --webhook-tls-propagation D    time for a new CA bundle or certificate to reach every reader (default 2m)`;

export const webhookTlsFlagOptions = {
  "webhook-tls-secret": { type: "string" },
  "webhook-ca-secret": { type: "string" },
  "webhook-config": { type: "string" },
  "webhook-service": { type: "string" },
  "webhook-tls-extra-sans": { type: "string" },
  "webhook-cert-validity": { type: "string" },
  "webhook-cert-renew-before": { type: "string" },
  "webhook-ca-validity": { type: "string" },
  "webhook-ca-renew-before": { type: "string" },
  "webhook-tls-propagation": { type: "string" },
} as const;

export type WebhookTlsFlagValues = Partial<Record<keyof typeof webhookTlsFlagOptions, string>>;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** "90s", "2m", "2160h", "500ms"; a bare number is seconds. */
export function parseTlsDuration(flag: string, value: string | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  const ms = m ? Number(m[1]) * (UNIT_MS[m[2] ?? "s"] ?? 1_000) : Number.NaN;
  if (!(ms > 0)) throw new Error(`--${flag}: "${value}" is not a positive duration like 90s, 2m or 720h`);
  return ms;
}

const HOUR = 3_600_000;
const DNS_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

function required(values: WebhookTlsFlagValues, flag: "webhook-config" | "webhook-service"): string {
  const value = values[flag];
  if (!value) throw new Error(`--${flag} is required with --webhook-tls-secret`);
  return value;
}

function parseSans(list: string | undefined): string[] {
  const sans = (list ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  for (const san of sans) {
    if (isIP(san) === 0 && !DNS_NAME.test(san)) {
      throw new Error(`--webhook-tls-extra-sans: "${san}" is neither a DNS name nor an IP address`);
    }
  }
  return sans;
}

/**
 * The orderings that keep rotation safe: a certificate is renewed early enough for a new CA to be
 * published and for the new certificate to reach every webhook before the old one expires, and the
 * CA is replaced before its remaining life would cut a fresh certificate short.
 */
export function checkTimings(c: WebhookTlsConfig): void {
  const rules: Array<[boolean, string]> = [
    [
      c.certRenewBeforeMs < c.certValidityMs,
      "--webhook-cert-renew-before must be below --webhook-cert-validity",
    ],
    [c.caRenewBeforeMs < c.caValidityMs, "--webhook-ca-renew-before must be below --webhook-ca-validity"],
    [
      c.certRenewBeforeMs >= 2 * c.propagationMs,
      "--webhook-cert-renew-before must be at least twice --webhook-tls-propagation",
    ],
    [
      c.caRenewBeforeMs > c.certRenewBeforeMs + c.propagationMs,
      "--webhook-ca-renew-before must exceed --webhook-cert-renew-before plus --webhook-tls-propagation",
    ],
  ];
  const broken = rules.filter(([ok]) => !ok).map(([, message]) => message);
  if (broken.length > 0) throw new Error(broken.join("; "));
}

/** undefined when --webhook-tls-secret is not given: the chart or cert-manager handles TLS. */
export function parseWebhookTlsFlags(
  values: WebhookTlsFlagValues,
  namespace: string,
): WebhookTlsConfig | undefined {
  const secretName = values["webhook-tls-secret"];
  if (!secretName) return undefined;
  const config: WebhookTlsConfig = {
    namespace,
    secretName,
    caSecretName: values["webhook-ca-secret"] || `${secretName}-ca`,
    webhookConfigName: required(values, "webhook-config"),
    serviceName: required(values, "webhook-service"),
    extraSans: parseSans(values["webhook-tls-extra-sans"]),
    certValidityMs: parseTlsDuration("webhook-cert-validity", values["webhook-cert-validity"], 2160 * HOUR),
    certRenewBeforeMs: parseTlsDuration(
      "webhook-cert-renew-before",
      values["webhook-cert-renew-before"],
      720 * HOUR,
    ),
    caValidityMs: parseTlsDuration("webhook-ca-validity", values["webhook-ca-validity"], 43_800 * HOUR),
    caRenewBeforeMs: parseTlsDuration(
      "webhook-ca-renew-before",
      values["webhook-ca-renew-before"],
      8760 * HOUR,
    ),
    propagationMs: parseTlsDuration("webhook-tls-propagation", values["webhook-tls-propagation"], 120_000),
  };
  if (config.caSecretName === config.secretName) {
    throw new Error(
      "--webhook-ca-secret must differ from --webhook-tls-secret: the webhook must not read the CA key",
    );
  }
  checkTimings(config);
  return config;
}

/** The Service's in-cluster DNS names, then the extra SANs split into DNS names and IPs. */
export function desiredSans(c: WebhookTlsConfig): { dnsNames: string[]; ipAddresses: string[] } {
  const svc = c.serviceName;
  const ns = c.namespace;
  const dnsNames = [svc, `${svc}.${ns}`, `${svc}.${ns}.svc`, `${svc}.${ns}.svc.cluster.local`];
  const ipAddresses: string[] = [];
  for (const san of c.extraSans) {
    if (isIP(san) !== 0) ipAddresses.push(san);
    else if (!dnsNames.includes(san)) dnsNames.push(san);
  }
  return { dnsNames, ipAddresses };
}
