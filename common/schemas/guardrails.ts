import { z } from "zod";

/** Personal data the gateway recognises, by the name a Policy gives it. */
export const piiTypes = ["email", "phone", "card", "iban", "ssn", "nationalId", "ip"] as const;
export type PiiTypeName = (typeof piiTypes)[number];

const setting = z.enum(["off", "redact", "block"]);

const customRuleSchema = z.object({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,39}$/)
    .describe(
      "Lower-case letters, digits and dashes: the placeholder is its upper-case form ([EMPLOYEE_ID_1]).",
    ),
  pattern: z
    .string()
    .min(1)
    .max(512)
    .describe(
      "RE2 syntax (no lookaround, no backreferences): matched in linear time, so no pattern can stall the gateway. A match is at most 256 characters.",
    ),
  action: z.enum(["redact", "block"]),
});

export const guardrailsSchema = z
  .object({
    pii: setting
      .default("off")
      .describe(
        "Personal data in prompts (email, phone, card, iban, ssn, nationalId, ip): redact replaces each value with a typed placeholder ([EMAIL_1]; the same value, the same placeholder within a request) before forwarding; block refuses the request with 400 naming the type, forwarding nothing. piiTypes overrides it per type.",
      ),
    piiTypes: z
      .object(
        Object.fromEntries(piiTypes.map((t) => [t, setting.optional()])) as Record<
          PiiTypeName,
          z.ZodOptional<typeof setting>
        >,
      )
      .optional()
      .describe("Per type, overriding pii: e.g. pii: redact with card: block."),
    secrets: setting
      .optional()
      .describe(
        "Credentials in prompts: OpenAI, Anthropic and relay keys, AWS access keys, Google service-account JSON, private keys, JWTs, high-entropy tokens. redact or block as for pii; a matched value is never logged, stored or counted by value.",
      ),
    blockSecrets: z
      .boolean()
      .default(false)
      .describe("Deprecated: secrets: block. Read only when secrets is not set."),
    custom: z
      .array(customRuleSchema)
      .max(32)
      .optional()
      .describe("Regular expressions with an action, compiled once per config generation."),
    answers: z
      .boolean()
      .default(false)
      .describe(
        "Also check the model's answers, complete and streamed, with the same types and rules (tool-call arguments and tool inputs included): a value to redact gets the request's placeholder, a value to block withholds the answer (400; a stream ends with an error event in the API's shape, and nothing of the value is sent; its usage is still billed). Streamed text reaches the caller about 256 characters late, held back while it is checked. A request for another copy of the answer's text the gateway cannot check (log probabilities, audio output), or a stream with no text the gateway can read, is refused with 400.",
      ),
  })
  .describe(
    "Checks on the text the model sees (messages, system prompts, tool results), on every API surface, before the request leaves the gateway.",
  );
export type GuardrailsSpec = z.infer<typeof guardrailsSchema>;
