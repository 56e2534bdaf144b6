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

const compiledBudgetSchema = z.strictObject({
  usdPerDay: z.number().optional(),
  usdPerMonth: z.number().optional(),
});

const guardrailAction = z.enum(["redact", "block"]);
const compiledGuardrailsSchema = z.strictObject({
  pii: z.partialRecord(z.enum(piiTypes), guardrailAction).optional(),
  secrets: guardrailAction.optional(),
  custom: z
    .array(z.strictObject({ name: z.string(), pattern: z.string(), action: guardrailAction }))
    .optional(),
  /** Answers are checked too, complete and streamed. */
  answers: z.literal(true).optional(),
});

/**
 * Strict, unlike the rest of the document: a field this gateway does not know is one a newer
 * operator added, most likely a check (scopes and guardrails were). Read without it, the Policy
 * would be served unchecked by an older gateway during a rollout; so such a Policy is kept as
 * unreadable instead, and its requests are refused (see policyEntrySchema).
 */
const compiledPolicySchema = z.strictObject({
  routes: z.array(compiledRouteSchema),
  limits: limitsSchema.strict().optional(),
  budget: compiledBudgetSchema.optional(),
  /** Policy content capture, absent when off: the gateway keeps each request and answer. */
  content: z
    .strictObject({
      mode: z.enum(["encrypted", "plaintext"]),
      retentionDays: z.number().int().min(1).optional(),
    })
    .optional(),
  /** When the shared limit store is unreachable: admit (true, the default) or refuse. */
  failOpen: z.boolean().optional(),
  /** What the Policy's keys may call; absent: everything. */
  scopes: scopesSchema.strict().optional(),
  /** The Policy's guardrails, type by type; absent when nothing is checked. */
  guardrails: compiledGuardrailsSchema.optional(),
  /** Set by the gateway, never written: the Policy holds fields it does not know. */
  unreadable: z.strictObject({ message: z.string() }).optional(),
});
export type CompiledPolicy = z.infer<typeof compiledPolicySchema>;

/**
 * A Policy as the gateway reads it: in full, or, when its only faults are fields this gateway
 * does not know, as unreadable (its requests get 503 naming the fields). Anything else wrong
 * fails the whole document, as before: the gateway keeps its last good config.
 */
const policyEntrySchema = z.unknown().transform((value, ctx): CompiledPolicy => {
  const parsed = compiledPolicySchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const unknown = parsed.error.issues.flatMap((i) =>
    i.code === "unrecognized_keys" ? i.keys.map((k) => [...i.path, k].join(".")) : [],
  );
  if (unknown.length === 0 || parsed.error.issues.some((i) => i.code !== "unrecognized_keys")) {
    for (const issue of parsed.error.issues)
      ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
    return z.NEVER;
  }
  return {
    routes: [],
    unreadable: {
      message: `This gateway cannot read the key's Policy: it has field(s) ${unknown.join(", ")} that a newer operator wrote. Its requests are refused until the gateways are upgraded.`,
    },
  };
});

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
      /** The platform team's choice while Redis is away; absent: admit. */
      failOpen: z.boolean().optional(),
    })
    .optional(),
});
export type CompiledProvider = z.infer<typeof compiledProviderSchema>;

export const gatewayConfigSchema = z.object({
  version: z.literal(CONFIG_VERSION),
  keys: z.array(compiledKeySchema),
  policies: z.record(z.string(), policyEntrySchema),
  providers: z.record(z.string(), compiledProviderSchema),
});
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
