import { GoogleAuth } from "google-auth-library";
import { TokenUriTransporter } from "../../gateway/upstream-auth/vertex-tokens.js";
import { CLOUD_PLATFORM_SCOPE } from "./google-jwt.js";
import type { ServiceAccountKeyFile } from "./google-service-account.js";

export interface GoogleAuthOverrides {
  scopes?: string[];
  /** The assertion's aud; defaults to token_uri, which is what the mock (like Google) requires. */
  audience?: string;
}

/**
 * A GoogleAuth for a service-account key file whose token_uri points somewhere other than Google.
 * google-auth-library v9 ignores token_uri: it always posts to Google's token URL and signs the
 * assertion for it. Overriding the transporter and the aud claim is what it takes to honour the
 * key file, and what a gateway using this library against the mock has to do as well.
 */
export function googleAuthFor(
  keyFile: ServiceAccountKeyFile,
  overrides: GoogleAuthOverrides = {},
): GoogleAuth {
  return new GoogleAuth({
    credentials: keyFile,
    scopes: overrides.scopes ?? [CLOUD_PLATFORM_SCOPE],
    clientOptions: {
      additionalClaims: { aud: overrides.audience ?? keyFile.token_uri },
      transporter: new TokenUriTransporter(keyFile.token_uri),
    },
  });
}
