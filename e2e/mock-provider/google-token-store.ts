import { randomAlphanumeric } from "./random-id.js";

/** What a test may read or do to the mock's OAuth tokens, e.g. to see that a gateway caches one. */
export interface GoogleTokenStats {
  /** Access tokens issued so far. */
  readonly issued: number;
  /** Makes every issued token invalid at once, as a revoked or rotated credential would. */
  revokeAll(): void;
}

export interface IssuedToken {
  access_token: string;
  expires_in: number;
  token_type: "Bearer";
}

/** The access tokens /token has issued and when each stops being accepted. */
export class GoogleTokenStore implements GoogleTokenStats {
  private readonly expiries = new Map<string, number>();
  private count = 0;

  constructor(private readonly lifetimeSeconds: number) {}

  get issued(): number {
    return this.count;
  }

  issue(): IssuedToken {
    const token = `ya29.mock-${randomAlphanumeric(40)}`;
    this.expiries.set(token, Date.now() + this.lifetimeSeconds * 1000);
    this.count++;
    return { access_token: token, expires_in: this.lifetimeSeconds, token_type: "Bearer" };
  }

  isValid(token: string): boolean {
    const expiry = this.expiries.get(token);
    return expiry !== undefined && Date.now() < expiry;
  }

  revokeAll(): void {
    this.expiries.clear();
  }
}
