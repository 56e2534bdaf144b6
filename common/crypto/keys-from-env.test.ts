import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { localKeyId } from "./envelope.js";
import { keyRingFromEnv } from "./keys-from-env.js";
import { kmsClientFromEnv } from "./kms-key.js";

const b64 = () => randomBytes(32).toString("base64");
const idOf = (value: string) => localKeyId(Buffer.from(value, "base64"));

describe("keyRingFromEnv", () => {
  it("seals with KUBERELAY_MASTER_KEY and unwraps with every previous key too", () => {
    const [current, p1, p2] = [b64(), b64(), b64()];
    const ring = keyRingFromEnv({
      KUBERELAY_MASTER_KEY: current,
      KUBERELAY_MASTER_KEY_PREVIOUS: ` ${p1}, ${p2},`,
    });
    expect(ring.current.id).toBe(idOf(current));
    expect(ring.ids).toEqual([idOf(current), idOf(p1), idOf(p2)]);
  });

  it("explains what is missing or malformed without echoing a key", () => {
    expect(() => keyRingFromEnv({})).toThrow(/set KUBERELAY_MASTER_KEY .* or KUBERELAY_KMS_KEY_ID/);
    const previous = b64();
    expect(() => keyRingFromEnv({ KUBERELAY_MASTER_KEY_PREVIOUS: previous })).toThrow(/only unwrap/);
    expect(() => keyRingFromEnv({ KUBERELAY_KMS_KEY_ID_PREVIOUS: "k", AWS_REGION: "eu-west-1" })).toThrow(
      /only unwrap/,
    );
    const bad = Buffer.from("short").toString("base64");
    const error = (() => {
      try {
        keyRingFromEnv({ KUBERELAY_MASTER_KEY: b64(), KUBERELAY_MASTER_KEY_PREVIOUS: `${previous},${bad}` });
      } catch (e) {
        return String(e);
      }
      return "";
    })();
    expect(error).toMatch(/KUBERELAY_MASTER_KEY_PREVIOUS entry 2 must decode to 32 bytes/);
    expect(error).not.toContain(bad);
    expect(error).not.toContain(previous);
  });

  it("needs a region for KMS and a URL for a KMS-compatible endpoint", () => {
    expect(() => keyRingFromEnv({ KUBERELAY_KMS_KEY_ID: "k" })).toThrow(/AWS_REGION/);
    expect(() => kmsClientFromEnv({ AWS_REGION: "eu-west-1", KUBERELAY_KMS_ENDPOINT: "not a url" })).toThrow(
      /KUBERELAY_KMS_ENDPOINT is not a URL/,
    );
    expect(
      keyRingFromEnv({ KUBERELAY_KMS_KEY_ID: "arn:aws:kms:eu-west-1:1:key/k", AWS_REGION: "eu-west-1" })
        .current.id,
    ).toBe("kms:arn:aws:kms:eu-west-1:1:key/k");
  });
});
