import { describe, expect, it } from "vitest";
import { upstreamHeaders } from "./upstream-headers.js";

describe("upstreamHeaders", () => {
  it("drops caller credentials whatever their case, keeping Bedrock's own headers", () => {
    const out = upstreamHeaders({
      Authorization: "Bearer kr-relay",
      "X-Api-Key": "kr-relay",
      "api-key": "kr-relay",
      Cookie: "session=1",
      "Content-Type": "application/json",
      "X-Amzn-Bedrock-GuardrailIdentifier": "gr-1",
    });

    expect(out).toEqual({ "content-type": "application/json", "x-amzn-bedrock-guardrailidentifier": "gr-1" });
  });

  it("drops hop-by-hop headers and the ones the signer sets itself", () => {
    const out = upstreamHeaders({
      Host: "gateway.local:8787",
      Connection: "keep-alive",
      "Transfer-Encoding": "chunked",
      "Content-Length": "12",
      "X-Amz-Date": "20240101T000000Z",
      "X-Amz-Security-Token": "caller-token",
      accept: "application/json",
    });

    expect(out).toEqual({ accept: "application/json" });
  });
});
