import { createHash, createHmac } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createBedrockSigner } from "./sigv4-signer.js";

const CREDENTIALS = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};
const SIGNING_DATE = new Date("2024-05-01T12:34:56.789Z");
const URL_ =
  "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/invoke";
const BODY = JSON.stringify({ anthropic_version: "bedrock-2023-05-31", max_tokens: 16, messages: [] });

const sha256Hex = (data: string) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();

/**
 * SigV4 written out from the AWS documentation with node:crypto alone, so a mistake shared by
 * the signer and @smithy/signature-v4 cannot hide. Names must be lower-case already.
 */
function referenceSignature(input: {
  method: string;
  canonicalPath: string;
  headers: Record<string, string>;
  body: string;
  secret: string;
  region: string;
  amzDate: string;
}): { signedHeaders: string; signature: string } {
  const names = Object.keys(input.headers).sort();
  const canonicalHeaders = names.map((name) => `${name}:${input.headers[name]?.trim()}\n`).join("");
  const signedHeaders = names.join(";");
  const canonicalRequest = [
    input.method,
    input.canonicalPath,
    "",
    canonicalHeaders,
    signedHeaders,
    sha256Hex(input.body),
  ].join("\n");
  const day = input.amzDate.slice(0, 8);
  const scope = `${day}/${input.region}/bedrock/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", input.amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  let key = hmac(`AWS4${input.secret}`, day);
  for (const part of [input.region, "bedrock", "aws4_request"]) key = hmac(key, part);
  return { signedHeaders, signature: createHmac("sha256", key).update(stringToSign).digest("hex") };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("createBedrockSigner", () => {
  it("produces the signature SigV4 defines for a fixed date", async () => {
    const signer = createBedrockSigner({
      region: "us-east-1",
      credentials: CREDENTIALS,
      clock: () => SIGNING_DATE,
    });
    const headers = await signer.sign({
      method: "POST",
      url: URL_,
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: BODY,
    });

    expect(headers["x-amz-date"]).toBe("20240501T123456Z");
    expect(headers.host).toBe("bedrock-runtime.us-east-1.amazonaws.com");
    expect(headers["x-amz-content-sha256"]).toBe(sha256Hex(BODY));
    const invocationId = headers["amz-sdk-invocation-id"] ?? "";
    expect(invocationId).toMatch(/^[0-9a-f-]{36}$/);

    const expected = referenceSignature({
      method: "POST",
      // The %3A of the model id is encoded once more in the canonical path, as AWS requires.
      canonicalPath: "/model/anthropic.claude-3-5-haiku-20241022-v1%253A0/invoke",
      headers: {
        accept: "application/json",
        "amz-sdk-invocation-id": invocationId,
        "content-type": "application/json",
        host: "bedrock-runtime.us-east-1.amazonaws.com",
        "x-amz-content-sha256": sha256Hex(BODY),
        "x-amz-date": "20240501T123456Z",
      },
      body: BODY,
      secret: CREDENTIALS.secretAccessKey,
      region: "us-east-1",
      amzDate: "20240501T123456Z",
    });
    expect(headers.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240501/us-east-1/bedrock/aws4_request, ` +
        `SignedHeaders=${expected.signedHeaders}, Signature=${expected.signature}`,
    );
  });

  it("never signs or forwards the caller's credentials", async () => {
    const signer = createBedrockSigner({ region: "eu-west-1", credentials: CREDENTIALS });
    const headers = await signer.sign({
      method: "POST",
      url: URL_,
      headers: {
        Authorization: "Bearer kr-relay-key",
        "x-api-key": "kr-relay-key",
        "api-key": "kr-relay-key",
        "X-Amz-Security-Token": "caller-token",
        "content-type": "application/json",
        "x-amzn-bedrock-trace": "ENABLED",
        connection: "keep-alive",
      },
      body: BODY,
    });

    expect(JSON.stringify(headers)).not.toContain("kr-relay-key");
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/bedrock\//,
    );
    expect(headers.authorization).toContain("x-amzn-bedrock-trace");
    expect(headers.authorization).not.toMatch(/SignedHeaders=[^,]*(x-api-key|connection)/);
    expect(headers["x-amz-security-token"]).toBeUndefined();
    expect(headers.connection).toBeUndefined();
  });

  it("signs the session token of temporary credentials", async () => {
    const signer = createBedrockSigner({
      region: "us-west-2",
      credentials: { ...CREDENTIALS, sessionToken: "FwoGZXIvYXdzEXAMPLE" },
    });
    const headers = await signer.sign({ method: "POST", url: URL_, headers: {}, body: BODY });

    expect(headers["x-amz-security-token"]).toBe("FwoGZXIvYXdzEXAMPLE");
    expect(headers.authorization).toMatch(/SignedHeaders=[^,]*x-amz-security-token/);
  });

  it("gives two identical requests different signatures", async () => {
    const signer = createBedrockSigner({
      region: "us-east-1",
      credentials: CREDENTIALS,
      clock: () => SIGNING_DATE,
    });
    const request = { method: "POST", url: URL_, headers: {}, body: BODY };
    const [first, second] = await Promise.all([signer.sign(request), signer.sign(request)]);

    expect(first.authorization).not.toBe(second.authorization);
  });

  it("falls back to the ambient credential chain", async () => {
    vi.stubEnv("AWS_PROFILE", "");
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDFROMENVIRONMENT");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "secret-from-environment");
    vi.stubEnv("AWS_SESSION_TOKEN", "token-from-environment");
    const signer = createBedrockSigner({ region: "us-east-1" });
    const headers = await signer.sign({ method: "POST", url: URL_, headers: {}, body: BODY });

    expect(headers.authorization).toContain("Credential=AKIDFROMENVIRONMENT/");
    expect(headers["x-amz-security-token"]).toBe("token-from-environment");
  });
});
