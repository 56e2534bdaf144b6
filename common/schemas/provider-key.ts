import { z } from "zod";
import { budgetSchema } from "./budget.js";
import { withCrossFieldRules } from "./cross-field-rules.js";
import type { ResourceDefinition } from "./resource-definition.js";
import {
  baseStatusSchema,
  labelSelectorSchema,
  objectMetaSchema,
  rateLimitsSchema,
  secretKeySelectorSchema,
} from "./shared-types.js";

export const providerNames = [
  "openai",
  "anthropic",
  "azure-openai",
  "bedrock",
  "vertex",
  "openai-compatible",
] as const;
export type ProviderName = (typeof providerNames)[number];

const priceSchema = z.object({
  inputPerMillionTokens: z.number().min(0).describe("USD per million input tokens."),
  outputPerMillionTokens: z.number().min(0).describe("USD per million output tokens."),
});

const credentialsSchema = withCrossFieldRules(
  z.object({
    secretKeyRef: secretKeySelectorSchema
      .optional()
      .describe("The credential, from a Secret in this namespace."),
    ambient: z
      .boolean()
      .optional()
      .describe(
        "Use the gateway pod's cloud identity (IRSA / pod identity for Bedrock, workload identity for Vertex); bedrock and vertex only.",
      ),
  }),
  [
    {
      rule: "has(self.secretKeyRef) != (has(self.ambient) && self.ambient)",
      message: "set exactly one of secretKeyRef or ambient: true",
      holds: (c) => (c.secretKeyRef !== undefined) !== (c.ambient === true),
    },
  ],
);

/**
 * Limits the platform team sets on every consuming namespace. They live on the ProviderKey
 * because the Policy is the tenant's own: a cap the tenant could edit would cap nothing.
 */
const perNamespaceSchema = z.object({
  limits: rateLimitsSchema.optional(),
  budget: budgetSchema.optional(),
  failOpen: z
    .boolean()
    .optional()
    .describe(
      "When the shared limit store (Redis) is unreachable: call this key unchecked against these caps (true, the default) or treat it as capped for every namespace (a route's next target, else 503). A Policy's limits.failOpen does not reach these caps.",
    ),
});

/** What CEL's isURL accepts and kuberelay can dial: an absolute http(s) URL. */
function isHttpURL(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol, host } = new URL(value);
  return (protocol === "https:" || protocol === "http:") && host !== "";
}

export const providerKeySpecSchema = withCrossFieldRules(
  z.object({
    provider: z.enum(providerNames),
    baseURL: z
      .string()
      .max(2048)
      .optional()
      .describe(
        "Upstream endpoint: the base the gateway appends each call's path to; defaults to the provider's public API. openai: the API root with its version (https://api.openai.com/v1; a bare origin gets /v1). openai-compatible: the prefix the server's OpenAI paths sit under, usually ending in /v1. anthropic: the origin without /v1 (https://api.anthropic.com; a trailing /v1 is dropped). azure-openai: the resource root (https://my-resource.openai.azure.com; a trailing /openai is dropped). bedrock: https://bedrock-runtime.{region}.amazonaws.com. vertex: https://{region}-aiplatform.googleapis.com (a trailing /v1 is dropped). A URL that names an endpoint, or has a query, fragment or user name, is refused: Ready=False, reason InvalidBaseURL, with the expected form in the message.",
      ),
    allowPrivateNetwork: z
      .boolean()
      .optional()
      .describe(
        "Allow upstream connections to loopback, private and link-local addresses (checked on every address the baseURL's host resolves to), over https or plain http.",
      ),
    allowInsecureHttp: z
      .boolean()
      .optional()
      .describe(
        "Allow a plain http baseURL whose host is a public address: the provider credential then crosses the network unencrypted. Plain http to a private address needs only allowPrivateNetwork.",
      ),
    region: z
      .string()
      .max(64)
      // It becomes part of a host name (bedrock-runtime.{region}.amazonaws.com): nothing else may ride in.
      .regex(
        /^[a-z0-9]+(-[a-z0-9]+)*$/,
        "region must be lower-case letters, digits and dashes, e.g. us-east-1",
      )
      .optional()
      .describe("Cloud region (Bedrock, Vertex): lower-case letters, digits and dashes, e.g. us-east-1."),
    credentials: credentialsSchema,
    allowedNamespaces: labelSelectorSchema
      .optional()
      .describe("Namespaces whose Policies may route to this key; by default only its own namespace."),
    pricing: z
      .record(z.string(), priceSchema)
      .optional()
      .describe("Per-model price overrides, keyed by upstream model name."),
    perNamespace: perNamespaceSchema
      .optional()
      .describe(
        "Caps on each namespace that routes to this key, counted per namespace over all its Policies and keys. Policies cannot raise them; a capped namespace falls back to a route's next target, or gets 429.",
      ),
  }),
  [
    {
      rule: "!has(self.baseURL) || (isURL(self.baseURL) && url(self.baseURL).getScheme() in ['http', 'https'] && url(self.baseURL).getHost() != '')",
      message: "baseURL must be an absolute http or https URL",
      holds: (s) => s.baseURL === undefined || isHttpURL(s.baseURL),
    },
    {
      rule: "!has(self.baseURL) || self.baseURL.startsWith('https://') || (has(self.allowInsecureHttp) && self.allowInsecureHttp) || (has(self.allowPrivateNetwork) && self.allowPrivateNetwork)",
      message:
        "baseURL must use https unless allowInsecureHttp is true (or allowPrivateNetwork, for an upstream on a private network)",
      holds: (s) =>
        s.baseURL === undefined ||
        s.baseURL.startsWith("https://") ||
        s.allowInsecureHttp === true ||
        s.allowPrivateNetwork === true,
    },
    {
      rule: "!(self.provider in ['azure-openai', 'openai-compatible']) || has(self.baseURL)",
      message: "baseURL is required for azure-openai and openai-compatible providers",
      holds: (s) =>
        !(s.provider === "azure-openai" || s.provider === "openai-compatible") || s.baseURL !== undefined,
    },
    {
      rule: "!(self.provider in ['bedrock', 'vertex']) || has(self.region)",
      message: "region is required for bedrock and vertex providers",
      holds: (s) => !(s.provider === "bedrock" || s.provider === "vertex") || s.region !== undefined,
    },
    {
      // Other providers have no cloud identity to call with: the key would call with no credential.
      rule: "self.provider in ['bedrock', 'vertex'] || !has(self.credentials.ambient) || !self.credentials.ambient",
      message:
        "credentials.ambient is for bedrock and vertex only; other providers need credentials.secretKeyRef",
      holds: (s) => s.provider === "bedrock" || s.provider === "vertex" || s.credentials.ambient !== true,
    },
  ],
);
export type ProviderKeySpec = z.infer<typeof providerKeySpecSchema>;

export const providerKeyStatusSchema = baseStatusSchema;

export const providerKeySchema = z.object({
  apiVersion: z.string(),
  kind: z.literal("ProviderKey"),
  metadata: objectMetaSchema,
  spec: providerKeySpecSchema,
  status: providerKeyStatusSchema.optional(),
});
export type ProviderKey = z.infer<typeof providerKeySchema>;

export const providerKeyDefinition: ResourceDefinition = {
  kind: "ProviderKey",
  plural: "providerkeys",
  singular: "providerkey",
  shortNames: ["pk"],
  description: "An upstream LLM provider credential and endpoint, owned by the platform team.",
  spec: providerKeySpecSchema,
  status: providerKeyStatusSchema,
  printerColumns: [
    { name: "Provider", type: "string", jsonPath: ".spec.provider" },
    { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: "Reason", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].reason' },
    { name: "Base-URL", type: "string", jsonPath: ".spec.baseURL", priority: 1 },
  ],
};
