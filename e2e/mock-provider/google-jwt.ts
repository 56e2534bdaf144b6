import { type KeyObject, verify } from "node:crypto";

export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

// Google refuses assertions meant to live longer than an hour.
const MAX_LIFETIME_SECONDS = 3600;
// Allows for a little clock drift between the signer and the mock, as Google does.
const CLOCK_SKEW_SECONDS = 300;

export interface AssertionExpectations {
  publicKey: KeyObject;
  issuer: string;
  /** The token URL as the caller reached it; the assertion must be addressed to exactly that. */
  audience: string;
  nowSeconds: number;
}

export type AssertionCheck =
  | { ok: true }
  | { ok: false; error: "invalid_grant" | "invalid_scope"; description: string };

const LIFETIME_MESSAGE =
  "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your " +
  "iat and exp values in the JWT claim.";

/** Checks a JWT-bearer assertion the way Google's token endpoint does, in the same order. */
export function checkAssertion(assertion: string, expected: AssertionExpectations): AssertionCheck {
  const [header, payload, signature, ...rest] = assertion.split(".");
  if (header === undefined || payload === undefined || signature === undefined || rest.length > 0) {
    return grantError("Invalid JWT: the assertion is not a signed JWT.");
  }
  if (decodeSegment(header)?.alg !== "RS256") return grantError("Invalid JWT: only RS256 is supported.");
  const signed = Buffer.from(`${header}.${payload}`);
  if (!verify("sha256", signed, expected.publicKey, Buffer.from(signature, "base64url"))) {
    return grantError("Invalid JWT Signature.");
  }
  const claims = decodeSegment(payload);
  if (claims === undefined) return grantError("Invalid JWT: the claim set is not JSON.");
  if (claims.iss !== expected.issuer) return grantError("Invalid grant: account not found");
  if (claims.aud !== expected.audience) return grantError("Invalid JWT: Failed audience check.");
  if (!hasReasonableLifetime(claims.iat, claims.exp, expected.nowSeconds))
    return grantError(LIFETIME_MESSAGE);
  const scopes = typeof claims.scope === "string" ? claims.scope.split(" ") : [];
  if (!scopes.includes(CLOUD_PLATFORM_SCOPE)) {
    return {
      ok: false,
      error: "invalid_scope",
      description: "Invalid OAuth scope or ID token audience provided.",
    };
  }
  return { ok: true };
}

function grantError(description: string): AssertionCheck {
  return { ok: false, error: "invalid_grant", description };
}

function hasReasonableLifetime(iat: unknown, exp: unknown, now: number): boolean {
  if (typeof iat !== "number" || typeof exp !== "number") return false;
  return iat <= now + CLOCK_SKEW_SECONDS && exp > now && exp > iat && exp - iat <= MAX_LIFETIME_SECONDS;
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value))
      : undefined;
  } catch {
    return undefined;
  }
}
