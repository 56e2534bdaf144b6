import type { CompiledPolicy } from "../../common/config/gateway-config.js";
import { type ContentKey, sealContent } from "../../common/crypto/content-key.js";

/** A request and its answer as the ledger keeps them: sealed (or, where allowed, plain), base64. */
export interface ContentRecord {
  encoding: "aes-256-gcm" | "plaintext";
  /** The content key's id, for aes-256-gcm. */
  keyId?: string | undefined;
  request: string;
  response: string;
  requestTruncated: boolean;
  responseTruncated: boolean;
  /**
   * When it is deleted (epoch ms), from its Policy's content.retentionDays at capture; it holds
   * after the Policy is switched off or deleted. Absent: it goes with its month's partition.
   */
  deleteAfter?: number | undefined;
}

/** The longest content.retentionDays a Policy may ask for (its CRD's bound): ten years. */
export const MAX_RETENTION_DAYS = 3650;
const DAY_MS = 86_400_000;

/**
 * When content captured at `occurredAt` under `retentionDays` is deleted; undefined without a
 * retention, or with one outside the Policy's bounds (such content goes with its month's
 * partition, and the Policy's retentionDays still applies while it is in the config).
 */
export function contentExpiry(occurredAt: number, retentionDays: number | undefined): number | undefined {
  if (retentionDays === undefined || !Number.isInteger(retentionDays)) return undefined;
  if (retentionDays < 1 || retentionDays > MAX_RETENTION_DAYS) return undefined;
  return occurredAt + retentionDays * DAY_MS;
}

/** Whether a stored expiry is one contentExpiry could have given for content from `occurredAt`. */
export const plausibleExpiry = (occurredAt: number, deleteAfter: number): boolean =>
  Number.isInteger(deleteAfter) &&
  deleteAfter >= occurredAt + DAY_MS &&
  deleteAfter <= occurredAt + MAX_RETENTION_DAYS * DAY_MS;

/** What this gateway can do with content: its key, whether plaintext is allowed, whether it has a ledger. */
export interface ContentSettings {
  key: ContentKey | undefined;
  allowPlaintext: boolean;
  ledger: boolean;
  /** Per direction; the rest is cut and the record says so. */
  maxBytes: number;
}

export type CaptureDecision =
  | { capture: false; reason?: "no_ledger" | "no_content_key" | "plaintext_not_allowed" }
  | { capture: true; encoding: "aes-256-gcm" | "plaintext" };

/**
 * What a Policy's content mode comes to on this gateway. `plaintext` needs
 * KUBERELAY_ALLOW_PLAINTEXT=true; without it nothing is kept. Sealing it instead would keep
 * content that the team asked to read and may hold no key for, under a mode nobody chose.
 */
export function captureFor(policy: CompiledPolicy, settings: ContentSettings): CaptureDecision {
  const mode = policy.content?.mode;
  if (mode === undefined) return { capture: false };
  if (!settings.ledger) return { capture: false, reason: "no_ledger" };
  if (mode === "plaintext") {
    return settings.allowPlaintext
      ? { capture: true, encoding: "plaintext" }
      : { capture: false, reason: "plaintext_not_allowed" };
  }
  if (!settings.key) return { capture: false, reason: "no_content_key" };
  return { capture: true, encoding: "aes-256-gcm" };
}

/** Binds each sealed value to its row and direction. */
export const contentBinding = (requestId: string, direction: "request" | "response") =>
  `${requestId}:${direction}`;

export function contentRecord(
  requestId: string,
  encoding: "aes-256-gcm" | "plaintext",
  key: ContentKey | undefined,
  request: { bytes: Buffer; truncated: boolean },
  response: { bytes: Buffer; truncated: boolean },
): ContentRecord {
  if (encoding === "aes-256-gcm" && !key) throw new Error("no content key to seal with");
  const seal = (bytes: Buffer, direction: "request" | "response") =>
    (key && encoding === "aes-256-gcm"
      ? sealContent(key, bytes, contentBinding(requestId, direction))
      : bytes
    ).toString("base64");
  return {
    encoding,
    ...(encoding === "aes-256-gcm" && key ? { keyId: key.id } : {}),
    request: seal(request.bytes, "request"),
    response: seal(response.bytes, "response"),
    requestTruncated: request.truncated,
    responseTruncated: response.truncated,
  };
}
