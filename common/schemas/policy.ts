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
  timeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(3600)
    .optional()
    .describe(
      "How long one attempt on this target may wait for the upstream's answer (default 600); for a stream, also the longest silence between its chunks. An attempt that times out before anything reached the caller is retried on the next target.",
    ),
});

const routeSchema = z.object({
  model: z.string().min(1).max(256).describe("Model name or glob (e.g. gpt-4o*) the caller sends."),
  // minItems and the weight's minimum are plain OpenAPI: the API server words them itself.
  targets: z
    .array(targetSchema)
    .min(1)
    .max(16)
    .describe(
      "The first attempt goes to a target picked by weight; on 408, 429, 500, 502, 503, 504, 529, a connection error or a timeout the request is tried on the next targets in list order (a stream only before its first byte reaches the caller), at most 3 attempts in all. A target whose ProviderKey caps the namespace is skipped.",
    ),
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
    .describe(
      "Captured content older than this many days is deleted (checked hourly), also after the mode is turned off or the Policy deleted; the usage records stay, until the ledger's own retention drops their month.",
    ),
});

export const policySpecSchema = z.object({
  routes: z.array(routeSchema).min(1).max(256),
  limits: limitsSchema
    .extend({
      failOpen: z
        .boolean()
        .optional()
        .describe(
          "When the shared limit store (Redis) is unreachable: admit this Policy's and its keys' requests unchecked against their limits and budget (true, the default) or refuse them with 503. It does not reach the ProviderKeys' perNamespace caps, which the platform team sets (perNamespace.failOpen).",
        ),
    })
    .optional(),
  budget: budgetSchema
    .optional()
    .describe(
      "USD spend caps over all of this Policy's keys, per UTC calendar day and month, priced from the gateway's price table or the ProviderKey's pricing (a model with neither costs nothing here, and kuberelay_gateway_unpriced_requests_total counts it). A request reserves the most it can cost before it is forwarded and settles its real cost when it ends, so requests in flight together cannot pass the budget by more than their output beyond 4,096 tokens each when no output cap (limits.maxOutputTokens) bounds them. With a usage ledger, a budget set later, a restarted gateway and a restarted Redis start from the ledger's spend for the period; without one, spend counts from when the budget is set. The LimitsShared condition says whether every gateway replica counts it together.",
    ),
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
