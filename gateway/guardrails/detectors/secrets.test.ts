import { describe, expect, it } from "vitest";
import { awsAccessKeyDetector, awsSecretKeyDetector } from "./aws.js";
import {
  fakeAnthropicKey,
  fakeAwsAccessKeyId,
  fakeAwsSecretKey,
  fakeHighEntropy,
  fakeJwt,
  fakeOpenaiKey,
  fakeOpenaiProjectKey,
  fakePrivateKeyPem,
  fakeRelayKey,
  fakeServiceAccountJson,
} from "./fixtures.js";
import { highEntropyDetector } from "./high-entropy.js";
import { jwtDetector } from "./jwt.js";
import { gcpServiceAccountDetector, privateKeyDetector } from "./private-key.js";
import { anthropicKeyDetector, openaiKeyDetector, relayKeyDetector } from "./provider-keys.js";
import { valuesFound } from "./testing.js";

describe("provider key detectors", () => {
  it("finds OpenAI keys, legacy and project", () => {
    const legacy = fakeOpenaiKey(1);
    const project = fakeOpenaiProjectKey(2);
    expect(valuesFound(openaiKeyDetector, `OPENAI_API_KEY=${legacy}\nor "${project}"`)).toEqual([
      legacy,
      project,
    ]);
  });

  it("finds Anthropic and relay keys, and leaves sk-ant- to the Anthropic detector", () => {
    const ant = fakeAnthropicKey(3);
    const relay = fakeRelayKey(4);
    const text = `x-api-key: ${ant}; Authorization: Bearer ${relay}`;
    expect(valuesFound(anthropicKeyDetector, text)).toEqual([ant]);
    expect(valuesFound(relayKeyDetector, text)).toEqual([relay]);
    expect(valuesFound(openaiKeyDetector, text)).toEqual([]);
  });

  it.each([
    "pip install scikit-learn; import sk-learn",
    "task-abcdefghijklmnopqrstuvwxyz0123456789",
    "the sk-proj-my-awesome-project-name folder",
    "krk_short",
  ])("finds no key in %j", (text) => {
    for (const d of [openaiKeyDetector, anthropicKeyDetector, relayKeyDetector])
      expect(valuesFound(d, text)).toEqual([]);
  });
});

describe("AWS detectors", () => {
  it("finds the access key id, and the secret key beside it", () => {
    const id = fakeAwsAccessKeyId(5);
    const secret = fakeAwsSecretKey(6);
    const text = `[default]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n`;
    expect(valuesFound(awsAccessKeyDetector, text)).toEqual([id]);
    expect(valuesFound(awsSecretKeyDetector, text)).toEqual([secret]);
  });

  it("finds a named secret key without an id, and no 40-character token otherwise", () => {
    const secret = fakeAwsSecretKey(7);
    expect(valuesFound(awsSecretKeyDetector, `SecretAccessKey: "${secret}"`)).toEqual([secret]);
    expect(valuesFound(awsSecretKeyDetector, `a token ${secret} somewhere`)).toEqual([]);
    expect(valuesFound(awsAccessKeyDetector, "AKIA is a prefix; AKIASHORT is not a key")).toEqual([]);
  });
});

describe("private key detectors", () => {
  it("finds a PEM key from BEGIN to END", () => {
    const pem = fakePrivateKeyPem().trim();
    expect(valuesFound(privateKeyDetector, `here:\n${pem}\nthanks`)).toEqual([pem]);
  });

  it("finds a truncated PEM key up to where its base64 stops", () => {
    const pem = fakePrivateKeyPem();
    const cut = pem.slice(0, 100);
    expect(valuesFound(privateKeyDetector, `${cut} then prose`)).toEqual([cut]);
  });

  it("does not take a public key or a certificate", () => {
    expect(
      valuesFound(privateKeyDetector, "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----"),
    ).toEqual([]);
  });

  it("finds a service-account file's private key and key id", () => {
    const json = fakeServiceAccountJson(8);
    const parsed = JSON.parse(json) as { private_key: string; private_key_id: string };
    const found = valuesFound(gcpServiceAccountDetector, json);
    expect(found).toHaveLength(2);
    expect(found).toContain(parsed.private_key_id);
    expect(JSON.parse(`"${found.find((v) => v !== parsed.private_key_id)}"`)).toBe(parsed.private_key);
  });
});

describe("JWT detector", () => {
  it("finds a JWT whose header has alg", () => {
    const jwt = fakeJwt(9);
    expect(valuesFound(jwtDetector, `Authorization: Bearer ${jwt}`)).toEqual([jwt]);
  });

  it.each([
    "eyJub3RhbmFsZyI6MX0.eyJzdWIiOiIxIn0.c2ln",
    "eyJhbGciOiJIUzI1NiJ9 alone",
    "eyJ!!!notbase64.abc.def",
  ])("finds nothing in %j", (text) => {
    expect(valuesFound(jwtDetector, text)).toEqual([]);
  });
});

describe("high-entropy detector", () => {
  it("finds random tokens of several lengths", () => {
    for (const length of [24, 32, 40, 64, 128]) {
      const token = fakeHighEntropy(length * 7 + 1, length);
      expect(valuesFound(highEntropyDetector, `secret=${token} end`), `length ${length}`).toEqual([token]);
    }
  });

  it.each([
    "uuid 123e4567-e89b-12d3-a456-426614174000",
    "sha e83c5163316f89bfbde7d9ab23ca2e25604af290",
    "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "class MyApplicationController2024 extends Base",
    "path src/components/UserProfileSettings2.tsx",
    "ISO 2024-01-15T10:30:00.000Z",
    "package @aws-sdk/client-bedrock-runtime3",
    "identifier getUserAccountSettingsForUser2",
    "words supercalifragilisticexpialidocious",
  ])("finds nothing in %j", (text) => {
    expect(valuesFound(highEntropyDetector, text)).toEqual([]);
  });
});
