/**
 * One level-triggered pass of the webhook TLS manager: read the CA Secret, the serving Secret and
 * the MutatingWebhookConfiguration, then move them one safe step towards "a fresh serving
 * certificate, signed by a fresh CA, trusted by every webhook entry".
 *
 * Rotation never breaks an admission because of three orderings:
 * - a new CA is added to the trusted bundle (and published to every webhook entry) before anything
 *   it signs is served, and is used only once `propagationMs` has passed since it was published;
 * - the serving certificate is renewed `certRenewBeforeMs` before it expires, so it reaches every
 *   webhook replica well before the old one stops being valid;
 * - a replaced CA stays trusted until the served certificate is no longer its own and
 *   `propagationMs` has passed since that certificate was issued (or until it expires).
 */
import type { CertificateAndKey } from "../../common/x509/certificate.js";
import { createCa, issueServingCertificate } from "../../common/x509/certificate.js";
import { desiredSans, type WebhookTlsConfig } from "./config.js";
import {
  bundlePem,
  issuedBy,
  type ParsedCert,
  parseBundle,
  parseServingCert,
  parseSigningCa,
  type ServingCert,
  type SigningCa,
} from "./material.js";
import type { DesiredSecret, StoredSecret, TlsStore, WebhookEntry } from "./store.js";

/** Certificates start this far in the past, so a reader whose clock runs behind still accepts them. */
export const BACKDATE_MS = 60_000;
/** A pass with nothing due still runs this often: someone may have edited an object we do not watch. */
export const RESYNC_MS = 60_000;
const MIN_WAIT_MS = 100;

export const CA_SECRET_KEYS = { cert: "ca.crt", key: "ca.key", bundle: "ca-bundle.crt" } as const;
export const TLS_SECRET_KEYS = { cert: "tls.crt", key: "tls.key", ca: "ca.crt" } as const;

export type TlsAction = "ca-created" | "ca-retired" | "ca-bundle-published" | "serving-cert-issued";

export interface PassResult {
  actions: TlsAction[];
  /** Milliseconds until the next pass is due. */
  nextInMs: number;
  servingSerial: string | undefined;
  caFingerprint: string;
  trustedCas: number;
  /** Expiry (epoch ms) of the certificate being served, if there is one. */
  servingNotAfter: number | undefined;
  /** Expiry (epoch ms) of the CA that signs new certificates. */
  caNotAfter: number;
}

export interface ReconcilerDeps {
  store: TlsStore;
  config: WebhookTlsConfig;
  now?: () => number;
  generateCa?: typeof createCa;
  issueServing?: typeof issueServingCertificate;
}

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

function sameData(stored: StoredSecret | undefined, desired: DesiredSecret): boolean {
  if (!stored) return false;
  const keys = Object.keys(desired.data);
  return (
    keys.length === Object.keys(stored.data).length && keys.every((k) => stored.data[k] === desired.data[k])
  );
}

/** The instant a certificate of ours was issued: its notBefore, undone of the backdating. */
const issuedAt = (cert: ParsedCert) => cert.notBefore + BACKDATE_MS;

function hasSans(cert: ServingCert, want: { dnsNames: string[]; ipAddresses: string[] }): boolean {
  if (cert.sans.length !== want.dnsNames.length + want.ipAddresses.length) return false;
  return (
    want.dnsNames.every((dns) => cert.sans.includes(dns)) &&
    want.ipAddresses.every((ip) => cert.x509.checkIP(ip) !== undefined)
  );
}

export class TlsReconciler {
  /** When this process first saw each CA (by fingerprint) in every webhook entry; forgotten on restart, so a new leader waits again. */
  private readonly publishedAt = new Map<string, number>();
  private readonly now: () => number;
  private readonly generateCa: typeof createCa;
  private readonly issueServing: typeof issueServingCertificate;

  constructor(private readonly deps: ReconcilerDeps) {
    this.now = deps.now ?? Date.now;
    this.generateCa = deps.generateCa ?? createCa;
    this.issueServing = deps.issueServing ?? issueServingCertificate;
  }

  async pass(): Promise<PassResult> {
    const { store, config } = this.deps;
    const now = this.now();
    const actions: TlsAction[] = [];
    const [caSecret, servingSecret] = await Promise.all([
      store.readSecret(config.caSecretName),
      store.readSecret(config.secretName),
    ]);
    let served = parseServingCert({
      certPem: servingSecret?.data[TLS_SECRET_KEYS.cert],
      keyPem: servingSecret?.data[TLS_SECRET_KEYS.key],
    });

    let signing = parseSigningCa({
      certPem: caSecret?.data[CA_SECRET_KEYS.cert],
      keyPem: caSecret?.data[CA_SECRET_KEYS.key],
    });
    if (!signing || signing.notAfter - now < config.caRenewBeforeMs) {
      signing = await this.newCa(now);
      actions.push("ca-created");
    }
    const before = this.trustedBefore(caSecret, servingSecret, served, now);
    const { trusted, retired } = this.retire(signing, before, served, now);
    if (retired > 0) actions.push("ca-retired");
    const bundle = bundlePem(trusted);
    await this.writeIfChanged(config.caSecretName, caSecret, {
      type: "Opaque",
      data: {
        [CA_SECRET_KEYS.cert]: signing.pem,
        [CA_SECRET_KEYS.key]: signing.keyPem,
        [CA_SECRET_KEYS.bundle]: bundle,
      },
    });

    const published = await this.publish(trusted, now);
    if (published === "patched") actions.push("ca-bundle-published");

    const renewal = this.renewal(served, signing, trusted, published, now);
    if (renewal.issue) {
      served = await this.newServing(signing, now);
      actions.push("serving-cert-issued");
    }
    if (served) {
      await this.writeIfChanged(config.secretName, servingSecret, {
        type: "kubernetes.io/tls",
        data: {
          [TLS_SECRET_KEYS.cert]: served.pem,
          [TLS_SECRET_KEYS.key]: served.keyPem,
          [TLS_SECRET_KEYS.ca]: bundle,
        },
      });
    }
    return {
      actions,
      nextInMs: this.nextInMs(now, signing, trusted, served, renewal.waitUntil),
      servingSerial: served?.x509.serialNumber,
      caFingerprint: signing.fingerprint,
      trustedCas: trusted.length,
      servingNotAfter: served?.notAfter,
      caNotAfter: signing.notAfter,
    };
  }

  private async newCa(now: number): Promise<SigningCa> {
    const pair = await this.generateCa({
      commonName: `${this.deps.config.serviceName}-ca`.slice(0, 64),
      notBefore: new Date(now - BACKDATE_MS),
      notAfter: new Date(now + this.deps.config.caValidityMs),
    });
    return mustParse(parseSigningCa(pair), "generated CA");
  }

  private async newServing(signing: SigningCa, now: number): Promise<ServingCert> {
    const { config } = this.deps;
    const sans = desiredSans(config);
    const pair: CertificateAndKey = await this.issueServing(
      { certPem: signing.pem, keyPem: signing.keyPem },
      {
        commonName: `${config.serviceName}.${config.namespace}.svc`.slice(0, 64),
        ...sans,
        notBefore: new Date(now - BACKDATE_MS),
        // Never outlive the issuer: a certificate past its CA's expiry would not verify anyway.
        notAfter: new Date(Math.min(now + config.certValidityMs, signing.notAfter)),
      },
    );
    return mustParse(parseServingCert(pair), "issued serving certificate");
  }

  /**
   * The CAs trusted so far, unexpired. A served certificate from a CA we do not know (the chart's
   * former helm-generated CA, say) has its issuer adopted from the serving Secret's ca.crt, so taking
   * over from another issuer does not break admissions either.
   */
  private trustedBefore(
    caSecret: StoredSecret | undefined,
    servingSecret: StoredSecret | undefined,
    served: ServingCert | undefined,
    now: number,
  ): ParsedCert[] {
    const known = parseBundle(caSecret?.data[CA_SECRET_KEYS.bundle]);
    const adopted = served
      ? parseBundle(servingSecret?.data[TLS_SECRET_KEYS.ca]).filter((ca) => issuedBy(served, ca))
      : [];
    const all = [...known, ...adopted.filter((a) => !known.some((k) => k.fingerprint === a.fingerprint))];
    return all.filter((c) => c.notAfter > now);
  }

  /** The signing CA first, then every older CA that still vouches for something a webhook may serve. */
  private retire(
    signing: SigningCa,
    before: readonly ParsedCert[],
    served: ServingCert | undefined,
    now: number,
  ): { trusted: ParsedCert[]; retired: number } {
    const others = before.filter((c) => c.fingerprint !== signing.fingerprint);
    const stillNeeded = (ca: ParsedCert) =>
      // Without a served certificate we cannot tell what webhooks still hold: keep until expiry.
      !served || issuedBy(served, ca) || now < issuedAt(served) + this.deps.config.propagationMs;
    const kept = others.filter(stillNeeded);
    return { trusted: [signing, ...kept], retired: others.length - kept.length };
  }

  private async writeIfChanged(
    name: string,
    stored: StoredSecret | undefined,
    desired: DesiredSecret,
  ): Promise<void> {
    // Same data but no owner (written by an older operator): written again, so the owner is added.
    if (sameData(stored, desired) && stored?.owned) return;
    await this.deps.store.writeSecret(name, desired, stored?.resourceVersion);
  }

  /**
   * Writes the bundle into every entry that lacks it and records when each CA became visible in
   * all entries. "missing": there is no webhook configuration, so nothing can be broken by TLS.
   */
  private async publish(
    trusted: readonly ParsedCert[],
    now: number,
  ): Promise<"unchanged" | "patched" | "missing"> {
    const entries = await this.deps.store.readWebhookEntries();
    if (!entries) return "missing";
    const want = base64(bundlePem(trusted));
    const stale = entries.flatMap((e, index) => (e.caBundle === want ? [] : [{ index, name: e.name, e }]));
    if (stale.length > 0) await this.deps.store.patchCaBundles(stale, want);
    const fingerprints = new Set(trusted.map((c) => c.fingerprint));
    for (const key of this.publishedAt.keys()) if (!fingerprints.has(key)) this.publishedAt.delete(key);
    for (const ca of trusted) {
      const wasMissing = stale.some(({ e }) => !entryTrusts(e, ca));
      if (wasMissing || !this.publishedAt.has(ca.fingerprint)) this.publishedAt.set(ca.fingerprint, now);
    }
    return stale.length > 0 ? "patched" : "unchanged";
  }

  /** Whether to issue a new serving certificate now, and if it is due but must wait, until when. */
  private renewal(
    served: ServingCert | undefined,
    signing: SigningCa,
    trusted: readonly ParsedCert[],
    published: "unchanged" | "patched" | "missing",
    now: number,
  ): { issue: boolean; waitUntil?: number } {
    const { config } = this.deps;
    const valid = served !== undefined && served.notBefore <= now && now < served.notAfter;
    const due =
      !valid ||
      !hasSans(served, desiredSans(config)) ||
      !issuedBy(served, signing) ||
      served.notAfter - now < config.certRenewBeforeMs;
    if (!due) return { issue: false };
    // Nothing works yet (or nothing calls the webhook), so there is nothing a new CA could break.
    const working = valid && trusted.some((ca) => issuedBy(served, ca));
    if (!working || published === "missing") return { issue: true };
    const safeFrom = (this.publishedAt.get(signing.fingerprint) ?? now) + config.propagationMs;
    return now >= safeFrom ? { issue: true } : { issue: false, waitUntil: safeFrom };
  }

  private nextInMs(
    now: number,
    signing: SigningCa,
    trusted: readonly ParsedCert[],
    served: ServingCert | undefined,
    waitUntil: number | undefined,
  ): number {
    const { config } = this.deps;
    const due = [now + RESYNC_MS, signing.notAfter - config.caRenewBeforeMs];
    if (served) due.push(served.notAfter - config.certRenewBeforeMs, issuedAt(served) + config.propagationMs);
    if (waitUntil !== undefined) due.push(waitUntil);
    for (const ca of trusted) due.push(ca.notAfter);
    const next = Math.min(...due.filter((t) => t > now));
    // A little late rather than early: a timer firing before the deadline would find nothing due.
    return Math.max(MIN_WAIT_MS, next - now + 10);
  }
}

function entryTrusts(entry: WebhookEntry, ca: ParsedCert): boolean {
  const pem = Buffer.from(entry.caBundle, "base64").toString("utf8");
  return parseBundle(pem).some((c) => c.fingerprint === ca.fingerprint);
}

function mustParse<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} could not be read back`);
  return value;
}
