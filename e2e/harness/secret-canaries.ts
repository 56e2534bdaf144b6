/**
 * The secrets one e2e run must never see again: what it handed kuberelay (provider credentials,
 * master and KMS keys) and what kuberelay issued (relay keys). A scan reports every 8-character
 * piece of any of them in a text kuberelay produced, named by the secret's label.
 */
import { createPrivateKey, type JsonWebKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { hashRelayKey, relayKeyPrefix } from "../../common/crypto/relay-key.js";
import { type CanaryHit, CanaryScanner, type Produced, WINDOW } from "./canary.js";

/**
 * Fields of JSON credentials that identify rather than authenticate: Bedrock's access key id
 * (sent in clear in every SigV4 Authorization header) and region, and a Google service account's
 * identity and endpoints. Every other string in a JSON credential is a secret.
 */
const JSON_IDENTIFIER_FIELDS = new Set([
  "accessKeyId",
  "region",
  "type",
  "project_id",
  "client_email",
  "client_id",
  "auth_uri",
  "token_uri",
  "auth_provider_x509_cert_url",
  "client_x509_cert_url",
  "universe_domain",
]);

/** The private members of an RSA or EC JWK. */
const PRIVATE_JWK_PARTS = ["d", "p", "q", "dp", "dq", "qi"] as const;

/** Environment variables of kuberelay processes whose values are secrets. */
export const SECRET_ENV_NAMES = [
  "KUBERELAY_MASTER_KEY",
  "KUBERELAY_MASTER_KEY_PREVIOUS",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_BEARER_TOKEN_BEDROCK",
] as const;

export interface LabelledHit extends CanaryHit {
  label: string;
}

export class SecretCanaries {
  private readonly scanner = new CanaryScanner();
  /** secret → what it is, to name a hit without printing the secret. */
  private readonly labels = new Map<string, string>();
  /** Secrets too short to scan (under 8 characters): listed in the summary, never silently dropped. */
  private readonly tooShort = new Set<string>();

  /** One opaque secret: every window of it is looked for. */
  add(label: string, value: string): this {
    if (value.length === 0 || this.labels.has(value)) return this;
    if (value.length < WINDOW) {
      this.tooShort.add(label);
      return this;
    }
    this.labels.set(value, label);
    this.scanner.add(value);
    return this;
  }

  /**
   * A relay key and the sha256 the gateway looks it up by. A key the operator generated has its
   * first 8 characters (`krk_` plus 4) published in RelayKey status and rotation Events by design
   * (relayKeyPrefix), so exactly that window is allowed; any longer piece is still a hit.
   */
  addRelayKey(label: string, key: string, generated: boolean): this {
    if (generated) this.scanner.allow(relayKeyPrefix(key));
    this.add(label, key);
    return this.add(`sha256 of ${label}`, hashRelayKey(key));
  }

  /**
   * A credential as stored in its Secret: a plain key, or JSON (Bedrock, Vertex) whose identifier
   * fields are not secrets, or a PEM private key (addPrivateKeyPem).
   */
  addCredential(label: string, value: string): this {
    const parsed = parseJsonObject(value);
    if (!parsed) return this.addMaybePem(label, value);
    for (const [field, leaf] of Object.entries(parsed)) {
      if (typeof leaf !== "string" || JSON_IDENTIFIER_FIELDS.has(field)) continue;
      this.addMaybePem(`${label} .${field}`, leaf);
    }
    return this;
  }

  /**
   * The secret-valued variables of a process environment (SECRET_ENV_NAMES), and the bearer
   * token in the kubeconfig file KUBECONFIG names (a ServiceAccount's, from TokenRequest).
   */
  addEnv(label: string, env: Record<string, string | undefined>): this {
    for (const name of SECRET_ENV_NAMES) {
      const value = env[name];
      if (value) this.add(`${name} of ${label}`, value);
    }
    const token = env.KUBECONFIG
      ? /^\s*token: (\S+)$/m.exec(readFileSync(env.KUBECONFIG, "utf8"))?.[1]
      : undefined;
    if (token) this.addJwt(`ServiceAccount token of ${label}`, token);
    return this;
  }

  /**
   * A JWT by its signature: header and claims are base64url JSON that every token of the cluster
   * shares most of (`eyJhbGciOiJSUzI1NiIs…`), the signature is the part no other token has.
   */
  addJwt(label: string, jwt: string): this {
    return this.add(label, jwt.slice(jwt.lastIndexOf(".") + 1));
  }

  get count(): number {
    return this.labels.size;
  }

  get windows(): number {
    return this.scanner.size;
  }

  get unscannable(): readonly string[] {
    return [...this.tooShort];
  }

  scan(produced: Produced): LabelledHit[] {
    return produced.flatMap((p) =>
      this.scanner.scan(p.source, p.text).map((h) => ({ ...h, label: this.labels.get(h.canary) ?? "?" })),
    );
  }

  /** Throws naming every hit (source, which secret, the text around it) when anything leaked. */
  assertNoLeak(produced: Produced): void {
    const hits = this.scan(produced);
    if (hits.length === 0) return;
    const shown = hits
      .slice(0, 30)
      .map((h) => `- ${h.source}: "${h.window}" of ${h.label} in …${JSON.stringify(h.context)}…`);
    throw new Error(`secrets leaked (${hits.length} hits):\n${shown.join("\n")}`);
  }

  /**
   * A PEM private key, by the base64 characters that encode its private numbers only (the JWK
   * `d`, `p`, `q`, … found in the DER): the PKCS#8 framing and the public key around them are the
   * same in, or derivable from, other keys and certificates. Line breaks do not matter: a window
   * inside a line of a leaked key is still a window of these characters.
   */
  addPrivateKeyPem(label: string, pem: string): this {
    const body = pem
      .split(/\r?\n/)
      .filter((l) => !l.startsWith("-----"))
      .join("");
    let jwk: JsonWebKey;
    try {
      jwk = createPrivateKey(pem).export({ format: "jwk" });
    } catch {
      return this.add(label, body);
    }
    const der = Buffer.from(body, "base64");
    for (const part of PRIVATE_JWK_PARTS) {
      const value = jwk[part];
      if (!value) continue;
      const bytes = Buffer.from(value, "base64url");
      const at = der.indexOf(bytes);
      if (at < 0) continue;
      // Only whole base64 quanta (3 bytes, 4 characters) that lie inside the private number.
      this.add(
        `${label} ${part}`,
        body.slice(Math.ceil(at / 3) * 4, Math.floor((at + bytes.length) / 3) * 4),
      );
    }
    return this;
  }

  private addMaybePem(label: string, value: string): this {
    return value.includes("PRIVATE KEY-----") ? this.addPrivateKeyPem(label, value) : this.add(label, value);
  }
}

function parseJsonObject(value: string): Record<string, unknown> | undefined {
  if (!value.trimStart().startsWith("{")) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === "object" && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
