import { z } from "zod";
import type { ResourceDefinition } from "./resource-definition.js";
import { baseStatusSchema, limitsSchema, objectMetaSchema, objectName } from "./shared-types.js";

export const relayKeySpecSchema = z.object({
  policyRef: z.object({ name: objectName.describe("A Policy in this namespace.") }),
  secretName: objectName.describe("Secret, in this namespace, that receives the generated key once."),
  expiresAt: z.iso.datetime().optional().describe("After this instant the key is refused."),
  disabled: z.boolean().optional().describe("A disabled key is refused; the key itself is kept."),
  limits: limitsSchema.optional().describe("Limits tighter than the Policy's."),
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
