import { generateKeyPairSync } from "node:crypto";

/**
 * Secret-shaped test values, built at run time so the repository holds no string a secret scanner
 * would flag (and none that is a real credential).
 */

const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** A deterministic pseudo-random base64url string (xorshift), so failures reproduce. */
export function pseudoRandom(length: number, seed: number, alphabet = B64URL): string {
  let x = seed >>> 0 || 1;
  let out = "";
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += alphabet.charAt((x >>> 0) % alphabet.length);
  }
  return out;
}

const UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

export const fakeOpenaiKey = (seed: number) => `${"sk"}-${pseudoRandom(48, seed)}`;
export const fakeOpenaiProjectKey = (seed: number) => `${"sk"}-proj-${pseudoRandom(156, seed)}`;
export const fakeAnthropicKey = (seed: number) => `${"sk"}-ant-api03-${pseudoRandom(93, seed)}AA`;
export const fakeRelayKey = (seed: number) => `${"krk"}_${pseudoRandom(43, seed)}`;
export const fakeAwsAccessKeyId = (seed: number) => `${"AKIA"}${pseudoRandom(16, seed, UPPER_DIGITS)}`;
export const fakeAwsSecretKey = (seed: number) => pseudoRandom(40, seed, B64);
export const fakeHighEntropy = (seed: number, length = 32) => pseudoRandom(length, seed);

function b64url(s: string): string {
  return Buffer.from(s, "utf8").toString("base64url");
}

export function fakeJwt(seed: number): string {
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = b64url(JSON.stringify({ sub: `user-${seed}`, iat: 1_700_000_000 + seed }));
  return `${header}.${payload}.${pseudoRandom(43, seed)}`;
}

let pem: string | undefined;

/** A real (throwaway, generated here) PKCS#8 key, cached: generation costs a few ms. */
export function fakePrivateKeyPem(): string {
  pem ??= generateKeyPairSync("ec", { namedCurve: "P-256" })
    .privateKey.export({ format: "pem", type: "pkcs8" })
    .toString();
  return pem;
}

export function fakeServiceAccountJson(seed: number): string {
  return JSON.stringify(
    {
      type: "service_account",
      project_id: "demo-project",
      private_key_id: pseudoRandom(40, seed, "0123456789abcdef"),
      private_key: fakePrivateKeyPem(),
      client_email: "bot@demo-project.iam.gserviceaccount.com",
    },
    null,
    2,
  );
}
