import { DecryptCommand, EncryptCommand, GenerateDataKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import type { GeneratedDataKey, KeyEncryptionKey } from "./envelope.js";

/** The encryption-context entry that binds a wrapped data key to one provider entry. */
export const KMS_CONTEXT_KEY = "kuberelay:provider";

export const kmsKekId = (keyId: string) => `kms:${keyId}`;

/** The parts of a KMS client this key uses: lets tests count calls without a network. */
export type KmsSend = Pick<KMSClient, "send">;

/** Told of every KMS request: its operation (Decrypt, Encrypt, GenerateDataKey), outcome and time. */
export type KmsCallObserver = (call: { operation: string; outcome: "ok" | "error"; seconds: number }) => void;

/** A KMS client whose every request is reported to `observe` (for metrics), then passed on unchanged. */
export function observedKms(client: KmsSend, observe: KmsCallObserver): KmsSend {
  const send = client.send.bind(client) as (...args: unknown[]) => Promise<unknown>;
  const observed = async (command: object, ...rest: unknown[]): Promise<unknown> => {
    const operation = command.constructor.name.replace(/Command$/, "");
    const started = performance.now();
    const report = (outcome: "ok" | "error") =>
      observe({ operation, outcome, seconds: (performance.now() - started) / 1000 });
    try {
      const out = await send(command, ...rest);
      report("ok");
      return out;
    } catch (err) {
      report("error");
      throw err;
    }
  };
  return { send: observed as KmsSend["send"] };
}

/**
 * A KEK in AWS KMS (or a KMS-compatible endpoint). The data key never leaves this process
 * unwrapped except to KMS over TLS; the encryption context names the provider, so KMS refuses
 * to unwrap a blob presented for another provider, and CloudTrail shows which one was asked for.
 */
export function kmsKey(client: KmsSend, keyId: string): KeyEncryptionKey {
  if (!keyId.trim()) throw new Error("a KMS key id or ARN is required");
  const context = (provider: string) => ({ [KMS_CONTEXT_KEY]: provider });
  const call = async <T>(operation: string, provider: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw kmsError(operation, keyId, provider, err);
    }
  };
  return {
    id: kmsKekId(keyId),
    async generateDataKey(provider): Promise<GeneratedDataKey> {
      const out = await call("GenerateDataKey", provider, () =>
        client.send(
          new GenerateDataKeyCommand({
            KeyId: keyId,
            KeySpec: "AES_256",
            EncryptionContext: context(provider),
          }),
        ),
      );
      if (!out.Plaintext || !out.CiphertextBlob || out.Plaintext.length !== 32) {
        throw new Error(
          `KMS GenerateDataKey with key ${keyId} for "${provider}" returned no 32-byte data key`,
        );
      }
      return {
        plaintext: Buffer.from(out.Plaintext),
        wrapped: Buffer.from(out.CiphertextBlob).toString("base64"),
      };
    },
    async wrap(dataKey, provider) {
      const out = await call("Encrypt", provider, () =>
        client.send(
          new EncryptCommand({ KeyId: keyId, Plaintext: dataKey, EncryptionContext: context(provider) }),
        ),
      );
      if (!out.CiphertextBlob)
        throw new Error(`KMS Encrypt with key ${keyId} for "${provider}" returned no ciphertext`);
      return Buffer.from(out.CiphertextBlob).toString("base64");
    },
    async unwrap(wrapped, provider) {
      const out = await call("Decrypt", provider, () =>
        client.send(
          new DecryptCommand({
            // Naming the key makes KMS refuse a blob made under any other key.
            KeyId: keyId,
            CiphertextBlob: Buffer.from(wrapped, "base64"),
            EncryptionContext: context(provider),
          }),
        ),
      );
      if (out.Plaintext?.length !== 32) {
        throw new Error(`KMS Decrypt with key ${keyId} for "${provider}" returned no 32-byte data key`);
      }
      return Buffer.from(out.Plaintext);
    },
  };
}

/**
 * A fresh error with only the operation, key, provider and KMS's own error name and message:
 * the SDK's error object carries the request, which for Encrypt holds the data key.
 */
function kmsError(operation: string, keyId: string, provider: string, err: unknown): Error {
  const name = err instanceof Error ? err.name : "Error";
  const message = err instanceof Error ? err.message : String(err);
  return new Error(`KMS ${operation} with key ${keyId} for "${provider}" failed: ${name}: ${message}`);
}

export interface KmsClientEnv {
  KUBERELAY_KMS_ENDPOINT?: string | undefined;
  AWS_REGION?: string | undefined;
  AWS_DEFAULT_REGION?: string | undefined;
}

/** A KMS client from the environment: region from AWS_REGION, credentials from the default chain. */
export function kmsClientFromEnv(env: KmsClientEnv): KMSClient {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new Error("KUBERELAY_KMS_KEY_ID is set but AWS_REGION is not: KMS needs a region");
  const endpoint = env.KUBERELAY_KMS_ENDPOINT;
  if (endpoint !== undefined && !URL.canParse(endpoint)) {
    throw new Error(`KUBERELAY_KMS_ENDPOINT is not a URL: "${endpoint}"`);
  }
  return new KMSClient({ region, ...(endpoint ? { endpoint } : {}), maxAttempts: 3 });
}
