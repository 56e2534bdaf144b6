/**
 * Headers that must never reach Bedrock from a caller: the relay key in any of the places a
 * caller may put it, and anything that would clash with the SigV4 headers the signer adds.
 */
const CALLER_CREDENTIALS = ["authorization", "proxy-authorization", "x-api-key", "api-key", "cookie"];
const SIGNER_OWNED = ["host", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token", "date"];
/** Connection-level headers describe the caller's hop, not the upstream one (RFC 9110 §7.6.1). */
const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "expect",
  // fetch computes the length of the body it actually sends.
  "content-length",
];
const DROPPED = new Set([...CALLER_CREDENTIALS, ...SIGNER_OWNED, ...HOP_BY_HOP]);

/** Lower-cases names (SigV4 canonicalizes them so) and drops every header Bedrock must not see. */
export function upstreamHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!DROPPED.has(lower)) out[lower] = value;
  }
  return out;
}
