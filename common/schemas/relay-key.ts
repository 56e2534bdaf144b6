import { z } from "zod";
import { RELAY_KEY_SECRET_KEY } from "../names.js";
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

const exactlyOneSource = "set exactly one of secretName (a generated key) or secretRef (your own key)";

export const relayKeySpecSchema = z
  .object({
    policyRef: z.object({ name: objectName.describe("A Policy in this namespace.") }),
    secretName: objectName
      .optional()
      .describe("Secret, in this namespace, that receives a generated key once. Excludes secretRef."),
    secretRef: secretKeySelectorSchema
      .optional()
      .describe(
        `An existing Secret in this namespace that holds the key (at least ${MIN_RELAY_KEY_LENGTH} characters); never modified. Excludes secretName.`,
      ),
    expiresAt: z.iso.datetime().optional().describe("After this instant the key is refused."),
    disabled: z.boolean().optional().describe("A disabled key is refused; the key itself is kept."),
    limits: limitsSchema.optional().describe("Limits tighter than the Policy's."),
  })
  // The CEL rule guards the API server; the refinement gives the same answer where there is
  // none (standalone mode) and to objects stored before the rule existed.
  .refine((spec) => (spec.secretName === undefined) !== (spec.secretRef === undefined), {
    message: exactlyOneSource,
  })
  .meta({
    "x-kubernetes-validations": [
      { rule: "has(self.secretName) != has(self.secretRef)", message: exactlyOneSource },
    ],
  });
export type RelayKeySpec = z.infer<typeof relayKeySpecSchema>;

export const relayKeyStatusSchema = baseStatusSchema.extend({
  keyPrefix: z.string().optional().describe("The first characters of the key, to recognise it."),
  fingerprint: z.string().optional().describe("A short fingerprint of the key's hash, for audits."),
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
    { name: "Prefix", type: "string", jsonPath: ".status.keyPrefix" },
    { name: "Expires", type: "string", jsonPath: ".spec.expiresAt", priority: 1 },
    {
      name: "Reason",
      type: "string",
      jsonPath: '.status.conditions[?(@.type=="Ready")].reason',
      priority: 1,
    },
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
