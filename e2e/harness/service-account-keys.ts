/** The key pair kube-apiserver signs ServiceAccount tokens with and verifies them against. */
import { generateKeyPair } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

export interface ServiceAccountKeys {
  privateKeyPath: string;
  publicKeyPath: string;
}

const generate = promisify(generateKeyPair);

/** P-256 (ES256 tokens) because it generates instantly; kube-apiserver accepts PKCS#8/SPKI PEM. */
export async function createServiceAccountKeys(dir: string): Promise<ServiceAccountKeys> {
  const { privateKey, publicKey } = await generate("ec", {
    namedCurve: "prime256v1",
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const privateKeyPath = join(dir, "service-account.key");
  const publicKeyPath = join(dir, "service-account.pub");
  await Promise.all([
    writeFile(privateKeyPath, privateKey, { mode: 0o600 }),
    writeFile(publicKeyPath, publicKey),
  ]);
  return { privateKeyPath, publicKeyPath };
}
