import {
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  KMSClient,
  type KMSServiceException,
} from "@aws-sdk/client-kms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockKms, startMockKms } from "./server.js";

const region = "eu-west-1";
const principals = {
  AKIAOPERATOR: "operator-secret",
  AKIAGATEWAY: "gateway-secret",
  AKIASTRANGER: "stranger-secret",
};

describe("mock KMS, driven by the real @aws-sdk/client-kms", () => {
  let kms: MockKms;
  const client = (
    accessKeyId: string,
    secretAccessKey = principals[accessKeyId as keyof typeof principals],
  ) =>
    new KMSClient({
      region,
      endpoint: kms.url,
      credentials: { accessKeyId, secretAccessKey },
      maxAttempts: 1,
    });
  const keyId = "1234abcd-12ab-34cd-56ef-1234567890ab";
  const context = { "kuberelay:provider": "team-a/openai" };

  beforeAll(async () => {
    kms = await startMockKms({
      region,
      principals,
      keys: [
        {
          keyId,
          alias: "alias/kuberelay",
          policy: { AKIAOPERATOR: ["GenerateDataKey", "Encrypt", "Decrypt"], AKIAGATEWAY: ["Decrypt"] },
        },
        { keyId: "other-key", policy: { AKIAOPERATOR: ["Encrypt", "Decrypt"] } },
      ],
    });
  });
  afterAll(() => kms.close());

  const failure = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (err) {
      return err as KMSServiceException;
    }
    throw new Error("expected the call to fail");
  };

  it("generates a data key whose blob is opaque and that another principal can decrypt", async () => {
    const generated = await client("AKIAOPERATOR").send(
      new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: "AES_256", EncryptionContext: context }),
    );
    const plaintext = Buffer.from(generated.Plaintext ?? []);
    const blob = Buffer.from(generated.CiphertextBlob ?? []);
    expect(plaintext).toHaveLength(32);
    expect(generated.KeyId).toBe(`arn:aws:kms:${region}:111122223333:key/${keyId}`);
    expect(blob.includes(plaintext)).toBe(false);
    const decrypted = await client("AKIAGATEWAY").send(
      new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: context, KeyId: keyId }),
    );
    expect(Buffer.from(decrypted.Plaintext ?? []).equals(plaintext)).toBe(true);
  });

  it("encrypts by alias and decrypts without naming the key", async () => {
    const out = await client("AKIAOPERATOR").send(
      new EncryptCommand({
        KeyId: "alias/kuberelay",
        Plaintext: Buffer.from("data key"),
        EncryptionContext: context,
      }),
    );
    const back = await client("AKIAGATEWAY").send(
      new DecryptCommand({ CiphertextBlob: out.CiphertextBlob, EncryptionContext: context }),
    );
    expect(Buffer.from(back.Plaintext ?? []).toString()).toBe("data key");
  });

  it("refuses Decrypt under another encryption context, and under another named key", async () => {
    const out = await client("AKIAOPERATOR").send(
      new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from("k"), EncryptionContext: context }),
    );
    const moved = await failure(
      client("AKIAGATEWAY").send(
        new DecryptCommand({
          CiphertextBlob: out.CiphertextBlob,
          EncryptionContext: { "kuberelay:provider": "team-b/openai" },
        }),
      ),
    );
    expect(moved.name).toBe("InvalidCiphertextException");
    const none = await failure(
      client("AKIAGATEWAY").send(new DecryptCommand({ CiphertextBlob: out.CiphertextBlob })),
    );
    expect(none.name).toBe("InvalidCiphertextException");
    const otherKey = await failure(
      client("AKIAOPERATOR").send(
        new DecryptCommand({
          CiphertextBlob: out.CiphertextBlob,
          EncryptionContext: context,
          KeyId: "other-key",
        }),
      ),
    );
    expect(otherKey.name).toBe("IncorrectKeyException");
    const garbage = await failure(
      client("AKIAGATEWAY").send(
        new DecryptCommand({ CiphertextBlob: Buffer.from("not a blob"), EncryptionContext: context }),
      ),
    );
    expect(garbage.name).toBe("InvalidCiphertextException");
  });

  it("enforces the key policy per principal and operation", async () => {
    const denied = await failure(
      client("AKIAGATEWAY").send(
        new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: "AES_256", EncryptionContext: context }),
      ),
    );
    expect(denied.name).toBe("AccessDeniedException");
    expect(denied.message).toContain("kms:GenerateDataKey");
    const out = await client("AKIAOPERATOR").send(
      new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from("k"), EncryptionContext: context }),
    );
    const stranger = await failure(
      client("AKIASTRANGER").send(
        new DecryptCommand({ CiphertextBlob: out.CiphertextBlob, EncryptionContext: context }),
      ),
    );
    expect(stranger.name).toBe("AccessDeniedException");
    expect(stranger.$metadata.httpStatusCode).toBe(400);
  });

  it("answers NotFoundException for an unknown key and ValidationException for a bad key spec", async () => {
    const missing = await failure(
      client("AKIAOPERATOR").send(new EncryptCommand({ KeyId: "no-such-key", Plaintext: Buffer.from("k") })),
    );
    expect(missing.name).toBe("NotFoundException");
    const bad = await failure(
      client("AKIAOPERATOR").send(new GenerateDataKeyCommand({ KeyId: keyId, NumberOfBytes: 5000 })),
    );
    expect(bad.name).toBe("ValidationException");
  });

  it("verifies the SigV4 signature: unknown access key, wrong secret", async () => {
    const unknown = await failure(
      client("AKIANOBODY", "x").send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from("k") })),
    );
    expect(unknown.name).toBe("UnrecognizedClientException");
    const forged = await failure(
      client("AKIAOPERATOR", "wrong-secret").send(
        new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from("k") }),
      ),
    );
    expect(forged.name).toBe("InvalidSignatureException");
  });

  it("refuses a request without a signature and records who called what", async () => {
    const res = await fetch(kms.url, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "TrentService.Encrypt" },
      body: "{}",
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ __type: "MissingAuthenticationTokenException" });
    expect(
      kms.calls.filter((c) => c.principal === "AKIAOPERATOR" && c.operation === "GenerateDataKey"),
    ).toEqual([
      { operation: "GenerateDataKey", principal: "AKIAOPERATOR", keyId, outcome: "ok" },
      {
        operation: "GenerateDataKey",
        principal: "AKIAOPERATOR",
        keyId: undefined,
        outcome: "ValidationException",
      },
    ]);
  });
});
