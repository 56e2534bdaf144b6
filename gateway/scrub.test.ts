import { describe, expect, it } from "vitest";
import { scrubSecrets, secretParts, secretsInHeaders } from "./scrub.js";

const aws = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY+x",
  sessionToken: "FwoGZXIvYXdzEJr//////////wEaDOEXAMPLEsessiontoken=",
};
const pem = [
  "-----BEGIN PRIVATE KEY-----",
  "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj",
  "MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu",
  "-----END PRIVATE KEY-----",
  "",
].join("\n");
const serviceAccount = {
  type: "service_account",
  project_id: "my-project-123",
  private_key_id: "0123456789abcdef0123456789abcdef01234567",
  private_key: pem,
  client_email: "relay@my-project-123.iam.gserviceaccount.com",
};

describe("scrubSecrets", () => {
  it("redacts every occurrence of a provider key", () => {
    const out = scrubSecrets('{"error":"bad key sk-upstream-123 (sk-upstream-123)"}', ["sk-upstream-123"]);
    expect(out).not.toContain("sk-upstream-123");
    expect(out).toContain("[redacted]");
  });

  it("leaves text alone when there is nothing to redact", () => {
    expect(scrubSecrets("hello", [undefined, "abc"])).toBe("hello");
  });

  it.each(Object.entries(aws))(
    "security: a Bedrock credential's %s echoed alone in an error body is redacted",
    (_field, part) => {
      const body = JSON.stringify({ message: `The security token ${part} is invalid` });
      const out = scrubSecrets(body, [JSON.stringify(aws)]);
      expect(out).not.toContain(part);
      expect(out).toContain("[redacted]");
    },
  );

  it("security: a service-account private key echoed JSON-escaped, or one line of it, is redacted", () => {
    const credential = JSON.stringify(serviceAccount);
    const escaped = JSON.stringify({ error: { message: `bad key ${pem}` } });
    const out = scrubSecrets(escaped, [credential]);
    expect(out).not.toContain("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj");
    expect(out).not.toContain("MzEfYyjiWA4R4");
    const oneLine = `invalid_grant: MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu`;
    expect(scrubSecrets(oneLine, [credential])).toBe("invalid_grant: [redacted]");
    expect(scrubSecrets(`key id ${serviceAccount.private_key_id}`, [credential])).toBe("key id [redacted]");
  });

  it("security: JSON-escaped and URL-encoded spellings of a secret are redacted", () => {
    const secret = aws.secretAccessKey;
    const bodies = [
      JSON.stringify({ echoed: secret }).replaceAll("/", "\\/"),
      `https://upstream/?key=${encodeURIComponent(secret)}`,
      JSON.stringify({ echoed: 'say "sk-quoted-secret-123"' }),
    ];
    for (const body of bodies) {
      const out = scrubSecrets(body, [secret, 'say "sk-quoted-secret-123"']);
      expect(out).not.toContain("wJalrXUtnFEMI");
      expect(out).not.toContain("sk-quoted-secret-123");
    }
  });

  it("redacts a whole credential before its parts, leaving no fragment between redactions", () => {
    const credential = JSON.stringify(aws);
    expect(scrubSecrets(`echo ${credential}`, [credential])).toBe("echo [redacted]");
  });
});

describe("secretParts", () => {
  it("splits a JSON credential into its string leaves, long enough to be secrets", () => {
    expect(secretParts(JSON.stringify({ a: "short", b: { c: ["long-enough-value"] } }))).toEqual([
      JSON.stringify({ a: "short", b: { c: ["long-enough-value"] } }),
      "long-enough-value",
    ]);
  });
  it("keeps a plain key whole", () => {
    expect(secretParts("sk-plain-key-0123")).toEqual(["sk-plain-key-0123"]);
  });
});

describe("secretsInHeaders", () => {
  it("security: finds a minted bearer token, the SigV4 access key id and session token, and API keys", () => {
    expect(
      secretsInHeaders({
        authorization:
          "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLEAMBIENT01/20250101/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=abc",
        "x-amz-security-token": aws.sessionToken,
        "content-type": "application/json",
      }),
    ).toEqual(["ASIAEXAMPLEAMBIENT01", aws.sessionToken]);
    expect(
      secretsInHeaders({ authorization: "Bearer ya29.minted-vertex-token", "x-api-key": "sk-ant-k" }),
    ).toEqual(["ya29.minted-vertex-token", "sk-ant-k"]);
  });
});
