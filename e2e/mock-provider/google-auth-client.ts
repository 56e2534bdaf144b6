import { JWT } from "google-auth-library";
import { TokenUriTransporter } from "../../gateway/upstream-auth/vertex-tokens.js";
import { CLOUD_PLATFORM_SCOPE } from "./google-jwt.js";
import type { ServiceAccountKeyFile } from "./google-service-account.js";

export interface GoogleAuthOverrides {
  scopes?: string[];
  /** The assertion's aud; defaults to token_uri, which is what the mock (like Google) requires. */
  audience?: string;
}

/**
 * google-auth-library's client for a service-account key file whose token_uri points somewhere
 * other than Google. The library ignores token_uri: it always posts to Google's token URL and
 * signs the assertion for it. Overriding the transporter and the aud claim is what it takes to
 * honour the key file, and what the gateway does against the mock as well. A JWT client built
 * from the key's fields, as the library asks for keys from outside.
 */
export function googleJwtFor(keyFile: ServiceAccountKeyFile, overrides: GoogleAuthOverrides = {}): JWT {
  return new JWT({
    email: keyFile.client_email,
    key: keyFile.private_key,
    keyId: keyFile.private_key_id,
    scopes: overrides.scopes ?? [CLOUD_PLATFORM_SCOPE],
    additionalClaims: { aud: overrides.audience ?? keyFile.token_uri },
    transporter: new TokenUriTransporter(keyFile.token_uri),
  });
}
