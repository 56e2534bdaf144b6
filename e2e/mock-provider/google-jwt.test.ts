import { createPrivateKey, createPublicKey, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CLOUD_PLATFORM_SCOPE, checkAssertion } from "./google-jwt.js";
import { generateTestServiceAccount } from "./google-service-account.js";

const account = generateTestServiceAccount("kuberelay-jwt-test");
const AUDIENCE = "http://127.0.0.1:1234/token";
const NOW = 1_800_000_000;

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** Builds an assertion by hand so each claim can be bent one at a time. */
function assertion(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: "RS256" },
): string {
  const signingInput = `${encode(header)}.${encode({
    iss: account.email,
    aud: AUDIENCE,
    scope: CLOUD_PLATFORM_SCOPE,
    iat: NOW,
    exp: NOW + 3600,
    ...claims,
  })}`;
  const signature = sign("sha256", Buffer.from(signingInput), createPrivateKey(account.privateKeyPem));
  return `${signingInput}.${signature.toString("base64url")}`;
}

const expected = {
  publicKey: createPublicKey(account.publicKeyPem),
  issuer: account.email,
  audience: AUDIENCE,
  nowSeconds: NOW + 10,
};

describe("checkAssertion", () => {
  it("accepts a well-formed, correctly signed assertion", () => {
    expect(checkAssertion(assertion({}), expected)).toEqual({ ok: true });
  });

  it.each([
    ["another issuer", { iss: "someone@else.iam.gserviceaccount.com" }, "Invalid grant: account not found"],
    [
      "another audience",
      { aud: "https://oauth2.googleapis.com/token" },
      "Invalid JWT: Failed audience check.",
    ],
    ["a lifetime over an hour", { exp: NOW + 3601 }, "Invalid JWT: Token must be a short-lived token"],
    [
      "an expired token",
      { iat: NOW - 4000, exp: NOW - 400 },
      "Invalid JWT: Token must be a short-lived token",
    ],
    ["no expiry", { exp: undefined }, "Invalid JWT: Token must be a short-lived token"],
  ])("refuses %s", (_name, claims, description) => {
    expect(checkAssertion(assertion(claims), expected)).toMatchObject({
      ok: false,
      error: "invalid_grant",
      description: expect.stringContaining(description),
    });
  });

  it("refuses a tampered claim set, another algorithm and a missing scope", () => {
    const [header, , signature] = assertion({}).split(".");
    const tampered = `${header}.${encode({ iss: account.email, aud: AUDIENCE, iat: NOW, exp: NOW + 60 })}.${signature}`;
    expect(checkAssertion(tampered, expected)).toMatchObject({ description: "Invalid JWT Signature." });

    expect(checkAssertion(assertion({}, { alg: "none" }), expected)).toMatchObject({
      error: "invalid_grant",
    });
    expect(checkAssertion(assertion({ scope: "openid email" }), expected)).toMatchObject({
      error: "invalid_scope",
    });
  });
});
