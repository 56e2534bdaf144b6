import { createHmac, randomBytes } from "node:crypto";
import { OVERSIZE, type SecretValue } from "../secret-value.js";
import { MISSING } from "./observed.js";

/**
 * Tells whether a ProviderKey's credential changed between two compiles without keeping a copy
 * of it: an HMAC under a key drawn at random when the process starts and never stored, so the
 * fingerprint means nothing outside this process and cannot be checked against a guess there.
 * It stays in memory; no row, Event, log line or metric ever carries it (audit-leak.test.ts).
 */
export function credentialFingerprinter(key = randomBytes(32)): (value: SecretValue | undefined) => string {
  return (value) => {
    if (value === undefined) return MISSING;
    // A value over the operator's bound is not held (secret-value.ts): its changes go unseen.
    if (value === OVERSIZE) return "oversize";
    return createHmac("sha256", key).update(value, "utf8").digest("base64url");
  };
}
