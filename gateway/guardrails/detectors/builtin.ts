import type { Detector, PiiType, SecretType } from "../types.js";
import { awsAccessKeyDetector, awsSecretKeyDetector } from "./aws.js";
import { cardDetector } from "./card.js";
import { emailDetector } from "./email.js";
import { highEntropyDetector } from "./high-entropy.js";
import { ibanDetector } from "./iban.js";
import { ipDetector } from "./ip.js";
import { jwtDetector } from "./jwt.js";
import { nationalIdDetector } from "./national-id.js";
import { phoneDetector } from "./phone.js";
import { gcpServiceAccountDetector, privateKeyDetector } from "./private-key.js";
import { anthropicKeyDetector, openaiKeyDetector, relayKeyDetector } from "./provider-keys.js";
import { ssnDetector } from "./ssn.js";

/** Every built-in detector by type. The maps are exhaustive: a new type fails to compile until it has one. */
export const PII_DETECTORS: Readonly<Record<PiiType, Detector>> = {
  email: emailDetector,
  phone: phoneDetector,
  card: cardDetector,
  iban: ibanDetector,
  ssn: ssnDetector,
  nationalId: nationalIdDetector,
  ip: ipDetector,
};

export const SECRET_DETECTORS: Readonly<Record<SecretType, Detector>> = {
  openaiKey: openaiKeyDetector,
  anthropicKey: anthropicKeyDetector,
  awsAccessKey: awsAccessKeyDetector,
  awsSecretKey: awsSecretKeyDetector,
  gcpServiceAccount: gcpServiceAccountDetector,
  privateKey: privateKeyDetector,
  jwt: jwtDetector,
  relayKey: relayKeyDetector,
  // Last: when it finds the same span as a named detector, the named one wins (scan.ts).
  highEntropy: highEntropyDetector,
};
