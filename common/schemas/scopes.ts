import { z } from "zod";

/** The APIs callers speak to a gateway, by the path they call. */
export const callerSurfaces = ["openai", "azure", "anthropic", "bedrock"] as const;
export type CallerSurface = (typeof callerSurfaces)[number];

/**
 * Operations as a Policy names them. A streamed variant is the same operation (Bedrock's
 * invoke-with-response-stream is `invoke`, converse-stream is `converse`): whether a caller may
 * stream is not a scope.
 */
export const unstreamedOperations = [
  "chat",
  "completions",
  "embeddings",
  "responses",
  "messages",
  "count_tokens",
  "invoke",
  "converse",
] as const;
export const scopeOperations = [...unstreamedOperations, "models"] as const;
export type ScopeOperation = (typeof scopeOperations)[number];

export const scopesSchema = z
  .object({
    surfaces: z
      .array(z.enum(callerSurfaces))
      .min(1)
      .max(callerSurfaces.length)
      .optional()
      .describe(
        "The caller APIs this Policy's keys may use: openai (/v1/...), azure (/openai/deployments/...), anthropic (/v1/messages...), bedrock (/model/...). Absent: all of them.",
      ),
    operations: z
      .array(z.enum(scopeOperations))
      .min(1)
      .max(scopeOperations.length)
      .optional()
      .describe(
        "The operations this Policy's keys may use: chat, completions, embeddings, responses, messages, count_tokens, models (listing), invoke and converse (Bedrock, streamed or not). Absent: all of them. Anything else is refused with 403 in the caller's API's error shape.",
      ),
  })
  .describe("What a key may call. A request outside them is refused with 403 before its body is read.");
export type Scopes = z.infer<typeof scopesSchema>;
