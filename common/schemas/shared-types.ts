import { z } from "zod";

/** Kubernetes' metav1.Condition, as written in every kuberelay status. */
export const conditionSchema = z.object({
  type: z.string().min(1).max(316),
  status: z.enum(["True", "False", "Unknown"]),
  reason: z.string().min(1).max(1024),
  message: z.string().max(32768),
  observedGeneration: z.number().int().min(0).optional(),
  lastTransitionTime: z.string(),
});
export type Condition = z.infer<typeof conditionSchema>;

export const conditionsSchema = z
  .array(conditionSchema)
  .meta({ "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"] });

/** A DNS-1123 subdomain, the shape of most Kubernetes object names. */
export const objectName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/);

export const secretKeySelectorSchema = z.object({
  name: objectName.describe("Name of a Secret in the resource's namespace."),
  key: z.string().min(1).max(253).describe("Key within the Secret's data."),
});

const labelSelectorRequirement = z.object({
  key: z.string().min(1),
  operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist"]),
  values: z.array(z.string()).optional(),
});

export const labelSelectorSchema = z.object({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z.array(labelSelectorRequirement).optional(),
});
export type LabelSelector = z.infer<typeof labelSelectorSchema>;

const positiveInt = z.number().int().min(1);

/** Limits a Policy sets, and a RelayKey may tighten. */
export const limitsSchema = z.object({
  requestsPerMinute: positiveInt
    .optional()
    .describe(
      "Requests admitted in any sliding minute (60 one-second buckets); past it, 429 with retry-after. A Policy's counts all its keys together.",
    ),
  tokensPerMinute: positiveInt
    .optional()
    .describe(
      "Input plus output tokens in any sliding minute. Tokens count when a request ends, so requests in flight together can pass it; the next ones wait.",
    ),
  requestsPerDay: positiveInt
    .optional()
    .describe(
      "Requests admitted in any sliding 24 hours (60 buckets of 24 minutes), not the UTC calendar day.",
    ),
  maxConcurrentRequests: positiveInt
    .optional()
    .describe(
      "Requests in flight at once. A request still running keeps counting, however long it streams; one whose gateway died stops counting after 10 minutes.",
    ),
  maxRequestBodyBytes: positiveInt
    .optional()
    .describe(
      "Largest request body, before and after Content-Encoding is inflated: a larger Content-Length is a 413 before any byte is read, a larger body is cut off with 413. Default 1 MiB.",
    ),
  maxOutputTokens: positiveInt
    .optional()
    .describe(
      "Most output tokens one request may produce, shared among its n or best_of completions. A request asking for more is lowered to it; a request naming no cap gets it added, since the upstream's default may be far higher: chat as max_completion_tokens (max_tokens for openai-compatible upstreams), completions, messages and Bedrock invoke as max_tokens (Llama as max_gen_len, Titan as textGenerationConfig.maxTokenCount, Nova as inferenceConfig.maxTokens or max_new_tokens; embedding, image, video and speech models get none), responses as max_output_tokens, Converse as inferenceConfig.maxTokens. Either way the response carries x-kuberelay-max-output-tokens: clamped.",
    ),
});
export type Limits = z.infer<typeof limitsSchema>;

/** The limits counted over time (and concurrency) that a ProviderKey sets per consuming namespace. */
export const rateLimitsSchema = limitsSchema.pick({
  requestsPerMinute: true,
  tokensPerMinute: true,
  requestsPerDay: true,
  maxConcurrentRequests: true,
});

/**
 * metadata as the API server returns it. Only the fields kuberelay reads are typed;
 * the rest pass through untouched.
 */
export const objectMetaSchema = z.looseObject({
  name: z.string(),
  namespace: z.string(),
  uid: z.string().optional(),
  generation: z.number().int().optional(),
  resourceVersion: z.string().optional(),
  deletionTimestamp: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

export const baseStatusSchema = z.object({
  observedGeneration: z.number().int().min(0).optional(),
  conditions: conditionsSchema.optional(),
});
