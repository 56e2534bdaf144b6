import { generateKeyPairSync } from "node:crypto";
import { randomHex } from "./random-id.js";

/** The JSON key file Google issues for a service account, as the gateway will read it from a Secret. */
export interface ServiceAccountKeyFile {
  type: "service_account";
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  auth_provider_x509_cert_url: string;
  client_x509_cert_url: string;
  universe_domain: string;
}

/** A freshly generated service account: give `vertexOptions` to the mock and `keyFile()` to the client. */
export interface TestServiceAccount {
  email: string;
  projectId: string;
  privateKeyId: string;
  privateKeyPem: string;
  publicKeyPem: string;
  vertexOptions: { projectId: string; serviceAccountEmail: string; publicKeyPem: string };
  /** The key file pointing at the mock; known only once the mock listens, hence a function. */
  keyFile(tokenUri: string): ServiceAccountKeyFile;
}

/** Generates a real RSA key pair, so the mock verifies signatures exactly as Google would. */
export function generateTestServiceAccount(
  projectId: string,
  accountName = "kuberelay-test",
): TestServiceAccount {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  const email = `${accountName}@${projectId}.iam.gserviceaccount.com`;
  const privateKeyId = randomHex(20);
  const clientId = String(BigInt(`0x${randomHex(8)}`));
  return {
    email,
    projectId,
    privateKeyId,
    privateKeyPem: privateKey,
    publicKeyPem: publicKey,
    vertexOptions: { projectId, serviceAccountEmail: email, publicKeyPem: publicKey },
    keyFile: (tokenUri) => ({
      type: "service_account",
      project_id: projectId,
      private_key_id: privateKeyId,
      private_key: privateKey,
      client_email: email,
      client_id: clientId,
      auth_uri: "https://accounts.google.com/o/oauth2/auth",
      token_uri: tokenUri,
      auth_provider_x509_cert_url: "https://www.googleapis.com/oauth2/v1/certs",
      client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(email)}`,
      universe_domain: "googleapis.com",
    }),
  };
}
