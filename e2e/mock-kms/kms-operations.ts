import { randomBytes } from "node:crypto";
import {
  accessDenied,
  incorrectKey,
  invalidCiphertext,
  type KmsError,
  notFound,
  validation,
} from "./kms-errors.js";
import type { KmsOperation, MockKeyStore, MockKmsKey } from "./kms-keys.js";

export type OperationResult =
  | { ok: true; keyId: string; body: Record<string, unknown> }
  | { ok: false; keyId?: string; error: KmsError };

type Body = Record<string, unknown>;

/** Thrown inside an operation; carries the key when one was resolved, for the call log. */
class Refusal extends Error {
  constructor(
    readonly error: KmsError,
    readonly keyId?: string,
  ) {
    super(error.message);
  }
}

const b64 = (b: Buffer) => b.toString("base64");
const principalArn = (accessKeyId: string) => `arn:aws:iam::111122223333:user/${accessKeyId}`;

function stringField(body: Body, name: string): string {
  const value = body[name];
  if (typeof value !== "string" || value === "") {
    throw new Refusal(
      validation(
        `1 validation error detected: Value at '${name}' failed to satisfy constraint: Member must not be null`,
      ),
    );
  }
  return value;
}

const blobField = (body: Body, name: string) => Buffer.from(stringField(body, name), "base64");

function contextField(body: Body): Record<string, string> {
  const value = body.EncryptionContext;
  if (value === undefined) return {};
  const bad = () => new Refusal(validation("EncryptionContext must be a map of strings"));
  if (!value || typeof value !== "object" || Array.isArray(value)) throw bad();
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string") throw bad();
    out[k] = v;
  }
  return out;
}

/** The key named by KeyId, if the key policy lets the principal use it for this operation. */
function authorize(
  store: MockKeyStore,
  principal: string,
  operation: KmsOperation,
  keyId: string,
): MockKmsKey {
  const key = store.resolve(keyId);
  if (!key) throw new Refusal(notFound(keyId), keyId);
  if (!store.allows(key, principal, operation)) {
    throw new Refusal(accessDenied(principalArn(principal), operation, key.arn), key.keyId);
  }
  return key;
}

function dataKeyLength(body: Body): number {
  const { KeySpec: spec, NumberOfBytes: bytes } = body;
  const refuse = (message: string) => new Refusal(validation(message));
  if (spec !== undefined && bytes !== undefined) throw refuse("Specify KeySpec or NumberOfBytes, not both");
  if (spec === "AES_256") return 32;
  if (spec === "AES_128") return 16;
  if (spec !== undefined) throw refuse(`KeySpec must be AES_256 or AES_128, not ${String(spec)}`);
  if (typeof bytes === "number" && Number.isInteger(bytes) && bytes >= 1 && bytes <= 1024) return bytes;
  throw refuse("Either KeySpec or NumberOfBytes (1 to 1024) is required");
}

type Handler = (store: MockKeyStore, principal: string, body: Body) => { keyId: string; body: Body };

const encrypt: Handler = (store, principal, body) => {
  const plaintext = blobField(body, "Plaintext");
  if (plaintext.length > 4096) throw new Refusal(validation("Plaintext must be at most 4096 bytes"));
  const key = authorize(store, principal, "Encrypt", stringField(body, "KeyId"));
  const blob = store.encrypt(key, plaintext, contextField(body));
  return {
    keyId: key.keyId,
    body: { CiphertextBlob: b64(blob), KeyId: key.arn, EncryptionAlgorithm: "SYMMETRIC_DEFAULT" },
  };
};

const generateDataKey: Handler = (store, principal, body) => {
  const length = dataKeyLength(body);
  const key = authorize(store, principal, "GenerateDataKey", stringField(body, "KeyId"));
  const plaintext = randomBytes(length);
  const blob = store.encrypt(key, plaintext, contextField(body));
  return { keyId: key.keyId, body: { CiphertextBlob: b64(blob), Plaintext: b64(plaintext), KeyId: key.arn } };
};

const decrypt: Handler = (store, principal, body) => {
  const blob = blobField(body, "CiphertextBlob");
  const key = store.keyOfBlob(blob);
  if (!key) throw new Refusal(invalidCiphertext());
  if (body.KeyId !== undefined) {
    const named = String(body.KeyId);
    const requested = store.resolve(named);
    if (!requested) throw new Refusal(notFound(named), named);
    if (requested.keyId !== key.keyId) throw new Refusal(incorrectKey(), key.keyId);
  }
  if (!store.allows(key, principal, "Decrypt")) {
    throw new Refusal(accessDenied(principalArn(principal), "Decrypt", key.arn), key.keyId);
  }
  const plaintext = store.decrypt(key, blob, contextField(body));
  if (!plaintext) throw new Refusal(invalidCiphertext(), key.keyId);
  return {
    keyId: key.keyId,
    body: { Plaintext: b64(plaintext), KeyId: key.arn, EncryptionAlgorithm: "SYMMETRIC_DEFAULT" },
  };
};

const HANDLERS: Record<KmsOperation, Handler> = {
  Encrypt: encrypt,
  Decrypt: decrypt,
  GenerateDataKey: generateDataKey,
};

/** One KMS operation for an authenticated principal, with KMS's checks in KMS's order. */
export function runOperation(
  store: MockKeyStore,
  principal: string,
  operation: KmsOperation,
  body: Body,
): OperationResult {
  try {
    return { ok: true, ...HANDLERS[operation](store, principal, body) };
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    return err.keyId === undefined
      ? { ok: false, error: err.error }
      : { ok: false, keyId: err.keyId, error: err.error };
  }
}
