import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from "node:crypto";

export type KmsOperation = "Encrypt" | "Decrypt" | "GenerateDataKey";

/** A symmetric KMS key and its key policy: which principals (access key ids) may do what. */
export interface MockKmsKeySpec {
  /** Omitted: a random UUID, like KMS. */
  keyId?: string;
  alias?: string;
  policy: Readonly<Record<string, readonly KmsOperation[]>>;
}

export interface MockKmsKey {
  keyId: string;
  arn: string;
  alias: string | undefined;
  policy: Readonly<Record<string, readonly KmsOperation[]>>;
  material: Buffer;
}

const BLOB_VERSION = 1;

/** Keys by id, ARN and alias, and the opaque ciphertext blobs made under them. */
export class MockKeyStore {
  private readonly keys: MockKmsKey[] = [];

  constructor(
    private readonly region: string,
    private readonly account: string,
  ) {}

  add(spec: MockKmsKeySpec): MockKmsKey {
    const keyId = spec.keyId ?? randomUUID();
    const key: MockKmsKey = {
      keyId,
      arn: `arn:aws:kms:${this.region}:${this.account}:key/${keyId}`,
      alias: spec.alias,
      policy: spec.policy,
      material: randomBytes(32),
    };
    this.keys.push(key);
    return key;
  }

  /** KeyId as KMS accepts it: key id, key ARN, `alias/name` or alias ARN. */
  resolve(keyId: string): MockKmsKey | undefined {
    const aliasArn = (k: MockKmsKey) => `arn:aws:kms:${this.region}:${this.account}:${k.alias}`;
    return this.keys.find(
      (k) =>
        k.keyId === keyId ||
        k.arn === keyId ||
        (k.alias !== undefined && (k.alias === keyId || aliasArn(k) === keyId)),
    );
  }

  allows(key: MockKmsKey, principal: string, operation: KmsOperation): boolean {
    return key.policy[principal]?.includes(operation) ?? false;
  }

  /**
   * version | key-id length | key id | iv | tag | ciphertext. The encryption context is the
   * GCM additional data, so Decrypt with any other context fails authentication, as in KMS.
   */
  encrypt(key: MockKmsKey, plaintext: Buffer, context: Readonly<Record<string, string>>): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key.material, iv);
    cipher.setAAD(canonicalContext(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const id = Buffer.from(key.keyId, "utf8");
    return Buffer.concat([Buffer.from([BLOB_VERSION, id.length]), id, iv, cipher.getAuthTag(), ciphertext]);
  }

  /** The key a blob names, or undefined for a blob this store did not make. */
  keyOfBlob(blob: Buffer): MockKmsKey | undefined {
    if (blob.length < 2 || blob[0] !== BLOB_VERSION) return undefined;
    const idLength = blob[1] ?? 0;
    return this.resolve(blob.subarray(2, 2 + idLength).toString("utf8"));
  }

  /** The plaintext, or undefined when the blob or its context does not authenticate. */
  decrypt(key: MockKmsKey, blob: Buffer, context: Readonly<Record<string, string>>): Buffer | undefined {
    const start = 2 + (blob[1] ?? 0);
    if (blob.length < start + 28) return undefined;
    try {
      const decipher = createDecipheriv("aes-256-gcm", key.material, blob.subarray(start, start + 12));
      decipher.setAAD(canonicalContext(context));
      decipher.setAuthTag(blob.subarray(start + 12, start + 28));
      return Buffer.concat([decipher.update(blob.subarray(start + 28)), decipher.final()]);
    } catch {
      return undefined;
    }
  }
}

/** Order-independent, as KMS treats the encryption context as a set of pairs. */
function canonicalContext(context: Readonly<Record<string, string>>): Buffer {
  const sorted = Object.keys(context)
    .sort()
    .map((k) => [k, context[k]]);
  return Buffer.from(JSON.stringify(sorted), "utf8");
}
