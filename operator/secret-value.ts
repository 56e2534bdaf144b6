/**
 * What the operator keeps from a Secret it reads for a compile: the value, or this mark when
 * the value is larger than it will hold. Any tenant can make a Secret of up to 1 MiB and point a
 * RelayKey at it; keeping such values would let tenants grow the operator's heap at will.
 */
export const OVERSIZE = Symbol("oversize");
export type SecretValue = string | typeof OVERSIZE;

/** Largest provider credential read (a Vertex service-account JSON is about 2.4 KiB). */
export const MAX_CREDENTIAL_BYTES = 64 * 1024;

/** The decoded value, or OVERSIZE when its base64 form already says it is larger than `maxBytes`. */
export function decodeBounded(encoded: string, maxBytes: number): SecretValue {
  // base64 holds 3 bytes per 4 characters: judge the size before decoding anything.
  if (Math.floor((encoded.length * 3) / 4) - 2 > maxBytes) return OVERSIZE;
  const value = Buffer.from(encoded, "base64");
  return value.length > maxBytes ? OVERSIZE : value.toString("utf8");
}
