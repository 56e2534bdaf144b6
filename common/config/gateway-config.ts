import { z } from "zod";
import { envelopeSchema } from "../crypto/envelope.js";
import { piiTypes } from "../schemas/guardrails.js";
import { providerNames } from "../schemas/provider-key.js";
import { scopesSchema } from "../schemas/scopes.js";
import { limitsSchema, rateLimitsSchema } from "../schemas/shared-types.js";

/**
 * The compiled gateway config: what the operator writes and every gateway loads.
 * Ids are `namespace/name`. No secret is held in plaintext: relay keys appear only as
 * sha256 hashes, provider credentials only as envelopes.
 */
export const CONFIG_VERSION = 1;

const compiledKeySchema = z.object({
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  id: z.string(),
  policy: z.string(),
  expiresAt: z.iso.datetime().optional(),
  disabled: z.boolean().optional(),
  limits: limitsSchema.optional(),
});
export type CompiledKey = z.infer<typeof compiledKeySchema>;

const compiledTargetSchema = z.object({
  provider: z.string(),
  model: z.string().optional(),
  weight: z.number().int().min(1),
  timeoutSeconds: z.number().int().min(1).optional(),
});

/**
 * Why a route cannot serve: every target's ProviderKey is missing, not Ready or not granted.
 * Names objects, never a value. The gateway answers the route's models with 503 and this message.
 */
const unavailableRouteSchema = z.object({ reason: z.string(), message: z.string() });
export type UnavailableRoute = z.infer<typeof unavailableRouteSchema>;

/** A route keeps its place (first glob wins) even when it cannot serve, so it never falls through. */
const compiledRouteSchema = z
  .object({
    model: z.string(),
    targets: z.array(compiledTargetSchema),
    unavailable: unavailableRouteSchema.optional(),
  })
  .refine((r) => r.targets.length > 0 || r.unavailable !== undefined, {
    message: "a route needs at least one target, or says why it is unavailable",
    path: ["targets"],
  });
export type CompiledRoute = z.infer<typeof compiledRouteSchema>;

const compiledBudgetSchema = z.object({
  usdPerDay: z.number().optional(),
  usdPerMonth: z.number().optional(),
});

const guardrailAction = z.enum(["redact", "block"]);
const compiledGuardrailsSchema = z.object({
  pii: z.partialRecord(z.enum(piiTypes), guardrailAction).optional(),
  secrets: guardrailAction.optional(),
  custom: z.array(z.object({ name: z.string(), pattern: z.string(), action: guardrailAction })).optional(),
  /** Answers are checked too (non-streamed; streamed requests are refused). */
  answers: z.literal(true).optional(),
});

const compiledPolicySchema = z.object({
  routes: z.array(compiledRouteSchema),
  limits: limitsSchema.optional(),
  budget: compiledBudgetSchema.optional(),
  /** Policy content capture, absent when off: the gateway keeps each request and answer. */
  content: z
    .object({
      mode: z.enum(["encrypted", "plaintext"]),
      retentionDays: z.number().int().min(1).optional(),
    })
    .optional(),
  /** When the shared limit store is unreachable: admit (true, the default) or refuse. */
  failOpen: z.boolean().optional(),
  /** What the Policy's keys may call; absent: everything. */
  scopes: scopesSchema.optional(),
  /** The Policy's guardrails, type by type; absent when nothing is checked. */
  guardrails: compiledGuardrailsSchema.optional(),
});
export type CompiledPolicy = z.infer<typeof compiledPolicySchema>;

const compiledProviderSchema = z.object({
  provider: z.enum(providerNames),
  baseURL: z.string().optional(),
  /** Present (true) only when the ProviderKey allows loopback, private and link-local addresses. */
  allowPrivateNetwork: z.literal(true).optional(),
  /** Present (true) only when the ProviderKey allows plain http to public addresses. */
  allowInsecureHttp: z.literal(true).optional(),
  region: z.string().optional(),
  credential: envelopeSchema.optional(),
  pricing: z
    .record(z.string(), z.object({ inputPerMillionTokens: z.number(), outputPerMillionTokens: z.number() }))
    .optional(),
  /** The platform team's caps on each consuming namespace (ProviderKey spec.perNamespace). */
  perNamespace: z
    .object({
      limits: rateLimitsSchema.optional(),
      budget: compiledBudgetSchema.optional(),
    })
    .optional(),
});
export type CompiledProvider = z.infer<typeof compiledProviderSchema>;

export const gatewayConfigSchema = z.object({
  version: z.literal(CONFIG_VERSION),
  keys: z.array(compiledKeySchema),
  policies: z.record(z.string(), compiledPolicySchema),
  providers: z.record(z.string(), compiledProviderSchema),
});
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
