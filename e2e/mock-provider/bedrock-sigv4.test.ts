import { describe, expect, it } from "vitest";
import { createBedrockSigner } from "../../gateway/aws/sigv4-signer.js";
import { parseAmzDate, parseAuthorization, verifySigV4 } from "./bedrock-sigv4.js";

const CREDENTIALS = { accessKeyId: "AKIAUNITTEST00000001", secretAccessKey: "unit-test-secret" };
const REGION = "us-east-1";
const URL_ = "http://bedrock.test/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse";
const BODY = '{"messages":[]}';

/** Signs with the gateway's signer and turns the result into what the mock receives. */
async function received(signingDate: Date, extraHeaders: Record<string, string> = {}) {
  const signer = createBedrockSigner({ region: REGION, credentials: CREDENTIALS, clock: () => signingDate });
  const headers = await signer.sign({ method: "POST", url: URL_, headers: extraHeaders, body: BODY });
  return { method: "POST", url: new URL(URL_).pathname, headers, body: Buffer.from(BODY) };
}

describe("parseAuthorization", () => {
  it("reads the scope, the signed headers and the signature", () => {
    const parsed = parseAuthorization(
      "AWS4-HMAC-SHA256 Credential=AKID/20240501/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc123",
    );

    expect(parsed).toEqual({
      accessKeyId: "AKID",
      day: "20240501",
      region: "us-east-1",
      service: "bedrock",
      terminator: "aws4_request",
      signedHeaders: ["host", "x-amz-date"],
      signature: "abc123",
    });
  });

  it("names every missing parameter, and refuses other schemes", () => {
    expect(
      parseAuthorization("AWS4-HMAC-SHA256 Credential=AKID/20240501/us-east-1/bedrock/aws4_request"),
    ).toEqual({
      error: expect.objectContaining({
        status: 400,
        message:
          "Authorization header requires 'SignedHeaders' parameter. Authorization header requires 'Signature' parameter.",
      }),
    });
    expect(parseAuthorization("Bearer kr-relay")).toEqual({
      error: expect.objectContaining({ type: "IncompleteSignatureException" }),
    });
  });
});

describe("parseAmzDate", () => {
  it("accepts only the basic ISO 8601 form SigV4 signs", () => {
    expect(parseAmzDate("20240501T123456Z")?.toISOString()).toBe("2024-05-01T12:34:56.000Z");
    expect(parseAmzDate("2024-05-01T12:34:56Z")).toBeUndefined();
    expect(parseAmzDate("20241301T000000Z")).toBeUndefined();
  });
});

describe("verifySigV4", () => {
  const signedAt = new Date("2024-05-01T12:00:00Z");

  it("accepts a request within five minutes of its date", async () => {
    const verdict = await verifySigV4(await received(signedAt), { ...CREDENTIALS, region: REGION }, signedAt);

    expect(verdict.ok).toBe(true);
  });

  it("refuses a request dated more than five minutes ahead", async () => {
    const now = new Date(signedAt.getTime() - 6 * 60_000);
    const verdict = await verifySigV4(await received(signedAt), { ...CREDENTIALS, region: REGION }, now);

    expect(verdict).toEqual({
      ok: false,
      error: expect.objectContaining({
        status: 403,
        message:
          "Signature not yet current: 20240501T120000Z is still later than 20240501T115900Z (20240501T115400Z + 5 min.)",
      }),
    });
  });

  it("refuses a signed header changed on the way", async () => {
    const request = await received(signedAt, { "content-type": "application/json" });
    request.headers["content-type"] = "text/plain";
    const verdict = await verifySigV4(request, { ...CREDENTIALS, region: REGION }, signedAt);

    expect(verdict).toEqual({
      ok: false,
      error: expect.objectContaining({ type: "InvalidSignatureException" }),
    });
  });

  it("ignores headers added after signing", async () => {
    const request = await received(signedAt);
    request.headers["x-forwarded-for"] = "10.0.0.1";
    const verdict = await verifySigV4(request, { ...CREDENTIALS, region: REGION }, signedAt);

    expect(verdict.ok).toBe(true);
  });
});
