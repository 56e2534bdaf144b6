import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { contentKey, openContent } from "../../common/crypto/content-key.js";
import { captureFor, contentBinding, contentRecord } from "./capture.js";

const key = contentKey(randomBytes(32));
const policy = (mode?: "encrypted" | "plaintext") => ({ routes: [], ...(mode ? { content: { mode } } : {}) });
const settings = (o: { key?: boolean; allowPlaintext?: boolean; ledger?: boolean } = {}) => ({
  key: o.key === false ? undefined : key,
  allowPlaintext: o.allowPlaintext ?? false,
  ledger: o.ledger ?? true,
  maxBytes: 1024,
});

describe("what a Policy's content mode comes to on a gateway", () => {
  it("keeps nothing for a Policy without content, or off", () => {
    expect(captureFor(policy(), settings())).toEqual({ capture: false });
  });

  it("seals encrypted content with the content key; without a key or a ledger keeps nothing and says why", () => {
    expect(captureFor(policy("encrypted"), settings())).toEqual({ capture: true, encoding: "aes-256-gcm" });
    expect(captureFor(policy("encrypted"), settings({ key: false }))).toEqual({
      capture: false,
      reason: "no_content_key",
    });
    expect(captureFor(policy("encrypted"), settings({ ledger: false }))).toEqual({
      capture: false,
      reason: "no_ledger",
    });
  });

  it("security: keeps plaintext only where the deployment allows it; otherwise nothing, with or without a key", () => {
    expect(captureFor(policy("plaintext"), settings({ allowPlaintext: true }))).toEqual({
      capture: true,
      encoding: "plaintext",
    });
    expect(captureFor(policy("plaintext"), settings())).toEqual({
      capture: false,
      reason: "plaintext_not_allowed",
    });
    expect(captureFor(policy("plaintext"), settings({ key: false }))).toEqual({
      capture: false,
      reason: "plaintext_not_allowed",
    });
  });
});

describe("contentRecord", () => {
  const request = { bytes: Buffer.from('{"content":"secret plans"}'), truncated: false };
  const response = { bytes: Buffer.from('{"answer":"more secret plans"}'), truncated: true };

  it("security: seals each direction bound to its request id; nothing of it reads in the clear", () => {
    const record = contentRecord("req_1", "aes-256-gcm", key, request, response);
    expect(record).toMatchObject({
      encoding: "aes-256-gcm",
      keyId: key.id,
      requestTruncated: false,
      responseTruncated: true,
    });
    const sealedRequest = Buffer.from(record.request, "base64");
    expect(sealedRequest.includes(Buffer.from("secret"))).toBe(false);
    expect(openContent(key, sealedRequest, contentBinding("req_1", "request")).equals(request.bytes)).toBe(
      true,
    );
    expect(() => openContent(key, sealedRequest, contentBinding("req_1", "response"))).toThrow();
    const sealedResponse = Buffer.from(record.response, "base64");
    expect(openContent(key, sealedResponse, contentBinding("req_1", "response")).equals(response.bytes)).toBe(
      true,
    );
  });

  it("keeps plaintext as it is, and refuses to 'seal' without a key", () => {
    const record = contentRecord("req_2", "plaintext", undefined, request, response);
    expect(Buffer.from(record.request, "base64").equals(request.bytes)).toBe(true);
    expect(record.keyId).toBeUndefined();
    expect(() => contentRecord("req_3", "aes-256-gcm", undefined, request, response)).toThrow(
      /no content key/,
    );
  });
});
