import { DefaultTransporter, GoogleAuth } from "google-auth-library";
import { CLOUD_PLATFORM_SCOPE } from "./google-jwt.js";
import type { ServiceAccountKeyFile } from "./google-service-account.js";

type RequestOptions = Parameters<DefaultTransporter["request"]>[0];

// The URLs google-auth-library v9 (through gtoken 7) signs for and posts to, whatever token_uri says.
const GOOGLE_TOKEN_URLS = new Set([
  "https://www.googleapis.com/oauth2/v4/token",
  "https://oauth2.googleapis.com/token",
]);

/** Sends the library's token requests to the key file's token_uri instead of Google's. */
class TokenUriTransporter extends DefaultTransporter {
  constructor(private readonly tokenUri: string) {
    super();
  }

  override request<T>(opts: RequestOptions) {
    const url = opts.url === undefined ? undefined : String(opts.url);
    return super.request<T>(
      url !== undefined && GOOGLE_TOKEN_URLS.has(url) ? { ...opts, url: this.tokenUri } : opts,
    );
  }
}

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
