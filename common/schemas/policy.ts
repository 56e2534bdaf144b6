import { z } from "zod";
import { budgetSchema } from "./budget.js";
import { guardrailsSchema } from "./guardrails.js";
import type { ResourceDefinition } from "./resource-definition.js";
import { scopesSchema } from "./scopes.js";
import { baseStatusSchema, limitsSchema, objectMetaSchema, objectName } from "./shared-types.js";

const targetSchema = z.object({
  providerKeyRef: z.object({
    name: objectName,
    namespace: objectName
      .optional()
      .describe(
        "Namespace of the ProviderKey; it must allow this Policy's namespace. Defaults to the Policy's.",
      ),
  }),
  model: z
    .string()
    .min(1)
    .max(256)
    .optional()
    .describe("Upstream model name; defaults to the requested model."),
  weight: z.number().int().min(1).max(1000).default(1).describe("Relative share of traffic among targets."),
  timeoutSeconds: z.number().int().min(1).max(3600).optional(),
});

const routeSchema = z.object({
  model: z.string().min(1).max(256).describe("Model name or glob (e.g. gpt-4o*) the caller sends."),
  // minItems and the weight's minimum are plain OpenAPI: the API server words them itself.
  targets: z.array(targetSchema).min(1).max(16).describe("Tried in order on 429, 5xx or timeout."),
});
export type Route = z.infer<typeof routeSchema>;

const contentSchema = z.object({
  mode: z
    .enum(["off", "encrypted", "plaintext"])
    .default("off")
    .describe(
      "off keeps nothing; encrypted keeps each request and its answer as AES-256-GCM ciphertext under the gateways' content key (KUBERELAY_CONTENT_KEY); plaintext keeps them in the clear only where the gateways allow it (KUBERELAY_ALLOW_PLAINTEXT=true), else nothing. Needs the gateways' usage ledger. The ContentCaptured condition says whether the gateways can do what the mode asks.",
    ),
  retentionDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .optional()
    .describe("Captured content older than this many days is deleted; the usage records stay."),
});

export const policySpecSchema = z.object({
  routes: z.array(routeSchema).min(1).max(256),
  limits: limitsSchema
    .extend({
      failOpen: z
        .boolean()
        .optional()
        .describe(
          "When the shared limit store (Redis) is unreachable: admit (true, the default) or refuse with 503.",
        ),
    })
    .optional(),
  budget: budgetSchema.optional(),
  content: contentSchema.optional(),
  guardrails: guardrailsSchema.optional(),
  scopes: scopesSchema.optional(),
});
export type PolicySpec = z.infer<typeof policySpecSchema>;

export const policyStatusSchema = baseStatusSchema;

export const policySchema = z.object({
  apiVersion: z.string(),
  kind: z.literal("Policy"),
  metadata: objectMetaSchema,
  spec: policySpecSchema,
  status: policyStatusSchema.optional(),
});
export type Policy = z.infer<typeof policySchema>;

export const policyDefinition: ResourceDefinition = {
  kind: "Policy",
  plural: "policies",
  singular: "policy",
  shortNames: ["rpol"],
  description: "What a relay key may do: routes to providers, limits, budgets and content handling.",
  spec: policySpecSchema,
  status: policyStatusSchema,
  printerColumns: [
    { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: "Reason", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].reason' },
  ],
};
