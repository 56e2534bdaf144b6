import { z } from "zod";
import { RELAY_KEY_SECRET_KEY } from "../names.js";
import { withCrossFieldRules } from "./cross-field-rules.js";
import type { ResourceDefinition } from "./resource-definition.js";
import {
  baseStatusSchema,
  limitsSchema,
  objectMetaSchema,
  objectName,
  secretKeySelectorSchema,
} from "./shared-types.js";

/** Shorter keys are refused: a relay key is a bearer credential and must not be guessable. */
export const MIN_RELAY_KEY_LENGTH = 32;
/** Longest key a RelayKey may bring by secretRef (generated keys have 47 characters). */
export const MAX_RELAY_KEY_LENGTH = 256;

const exactlyOneSource = "set exactly one of secretName (a generated key) or secretRef (your own key)";
const rotationNeedsSecretName =
  "rotation applies to generated keys (secretName); a secretRef key is rotated by whoever owns the referenced Secret";

/** Kubernetes' date-time format takes any RFC 3339 offset, so zod must too. */
export const timestamp = z.iso.datetime({ offset: true });

/** Longest grace period a rotated-out key may keep working: 30 days. */
export const MAX_GRACE_PERIOD_SECONDS = 30 * 24 * 3600;
export const DEFAULT_GRACE_PERIOD_SECONDS = 3600;

/** Scheduled rotation: at most yearly, at least hourly. */
export const MIN_ROTATION_EVERY_SECONDS = 3600;
export const MAX_ROTATION_EVERY_SECONDS = 366 * 24 * 3600;

const rotationSchema = withCrossFieldRules(
  z.object({
    requestedAt: timestamp
      .optional()
      .describe(
        "Set to now (e.g. kubectl patch) to ask for a new key, or to a future instant to schedule one. A value later than the current key's issue time rotates it once, when it comes.",
      ),
    everySeconds: z
      .number()
      .int()
      .min(MIN_ROTATION_EVERY_SECONDS)
      .max(MAX_ROTATION_EVERY_SECONDS)
      .optional()
      .describe("Rotate on a schedule: whenever the current key is this old (e.g. 2592000 for 30 days)."),
    gracePeriodSeconds: z
      .number()
      .int()
      .min(0)
      .max(MAX_GRACE_PERIOD_SECONDS)
      .default(DEFAULT_GRACE_PERIOD_SECONDS)
      .describe("How long the previous key keeps working after a rotation; 0 stops it at once."),
  }),
  [
    {
      rule: "has(self.requestedAt) || has(self.everySeconds)",
      message: "rotation needs requestedAt (once) or everySeconds (on a schedule)",
      holds: (r) => r.requestedAt !== undefined || r.everySeconds !== undefined,
    },
    {
      rule: "!has(self.everySeconds) || !has(self.gracePeriodSeconds) || self.everySeconds > self.gracePeriodSeconds",
      message: "everySeconds must be longer than gracePeriodSeconds: only one previous key is kept",
      holds: (r) => r.everySeconds === undefined || r.everySeconds > r.gracePeriodSeconds,
    },
  ],
).describe(
  "Key rotation with a grace period, for generated keys (secretName): once on request, or on a schedule.",
);

export const relayKeySpecSchema = withCrossFieldRules(
  z.object({
    policyRef: z.object({ name: objectName.describe("A Policy in this namespace.") }),
    secretName: objectName
      .optional()
      .describe("Secret, in this namespace, that receives a generated key once. Excludes secretRef."),
    secretRef: secretKeySelectorSchema
      .optional()
      .describe(
        `An existing Secret in this namespace that holds the key: "krk_" then base64 or base64url characters, ${MIN_RELAY_KEY_LENGTH} to ${MAX_RELAY_KEY_LENGTH} characters in all; never modified. Excludes secretName.`,
      ),
    expiresAt: timestamp
      .optional()
      .describe(
        "After this instant the key is refused, to the second, by every gateway. A past value is accepted and reported as Ready False, reason Expired.",
      ),
    disabled: z.boolean().optional().describe("A disabled key is refused; the key itself is kept."),
    limits: limitsSchema.optional().describe("Limits tighter than the Policy's."),
    rotation: rotationSchema.optional(),
  }),
  [
    {
      rule: "has(self.secretName) != has(self.secretRef)",
      message: exactlyOneSource,
      holds: (spec) => (spec.secretName === undefined) !== (spec.secretRef === undefined),
    },
    {
      rule: "!has(self.rotation) || has(self.secretName)",
      message: rotationNeedsSecretName,
      holds: (spec) => spec.rotation === undefined || spec.secretName !== undefined,
    },
  ],
);
export type RelayKeySpec = z.infer<typeof relayKeySpecSchema>;

export const relayKeyStatusSchema = baseStatusSchema.extend({
  keyPrefix: z
    .string()
    .optional()
    .describe("The first characters of a generated key, to recognise it (never shown for secretRef keys)."),
  fingerprint: z
    .string()
    .optional()
    .describe("A short fingerprint of a generated key's hash, for audits (never shown for secretRef keys)."),
  rotatedAt: z.string().optional().describe("When the current key replaced the previous one."),
  nextRotationAt: z
    .string()
    .optional()
    .describe(
      "When the next rotation is due (a scheduled requestedAt, or everySeconds after the key's issue).",
    ),
  previousKeyPrefix: z.string().optional().describe("The first characters of the rotated-out key."),
  previousKeyExpiresAt: z
    .string()
    .optional()
    .describe("Until when the rotated-out key keeps working (end of the grace period)."),
});

export const relayKeySchema = z.object({
  apiVersion: z.string(),
  kind: z.literal("RelayKey"),
  metadata: objectMetaSchema,
  spec: relayKeySpecSchema,
  status: relayKeyStatusSchema.optional(),
});
export type RelayKey = z.infer<typeof relayKeySchema>;

export const relayKeyDefinition: ResourceDefinition = {
  kind: "RelayKey",
  plural: "relaykeys",
  singular: "relaykey",
  shortNames: ["rk"],
  description: "A caller's revocable key for the kuberelay gateway.",
  spec: relayKeySpecSchema,
  status: relayKeyStatusSchema,
  printerColumns: [
    { name: "Policy", type: "string", jsonPath: ".spec.policyRef.name" },
    { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: "Reason", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].reason' },
    { name: "Prefix", type: "string", jsonPath: ".status.keyPrefix" },
    { name: "Expires", type: "string", jsonPath: ".spec.expiresAt" },
    { name: "Rotated", type: "date", jsonPath: ".status.rotatedAt", priority: 1 },
    { name: "Next-Rotation", type: "date", jsonPath: ".status.nextRotationAt", priority: 1 },
    { name: "Previous-Until", type: "string", jsonPath: ".status.previousKeyExpiresAt", priority: 1 },
  ],
};

/** A RelayKey whose key the operator generates and writes into `spec.secretName`. */
export type GeneratedRelayKey = RelayKey & { spec: { secretName: string } };

export function hasGeneratedKey(rk: RelayKey): rk is GeneratedRelayKey {
  return rk.spec.secretName !== undefined;
}

/** Where a RelayKey's plaintext lives: the Secret and the data key within it. */
export interface RelayKeySecretLocation {
  secretName: string;
  key: string;
  /** true: the operator writes it (spec.secretName); false: someone else does (spec.secretRef). */
  generated: boolean;
}

/** undefined only for a spec that skipped validation (the schema requires exactly one source). */
export function relayKeySecretLocation(spec: RelayKeySpec): RelayKeySecretLocation | undefined {
  if (spec.secretRef) return { secretName: spec.secretRef.name, key: spec.secretRef.key, generated: false };
  if (spec.secretName) return { secretName: spec.secretName, key: RELAY_KEY_SECRET_KEY, generated: true };
  return undefined;
}
