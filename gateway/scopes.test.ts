import { describe, expect, it } from "vitest";
import { policySpecSchema } from "../common/schemas/policy.js";
import { GatewayError } from "./errors.js";
import { checkScope, scopeOperationOf } from "./scopes.js";

const policy = (scopes?: {
  surfaces?: ("openai" | "anthropic" | "azure" | "bedrock")[];
  operations?: string[];
}) => ({ routes: [], ...(scopes ? { scopes } : {}) }) as Parameters<typeof checkScope>[0];

const refusal = (fn: () => void) => {
  try {
    fn();
  } catch (err) {
    return err instanceof GatewayError ? `${err.status} ${err.details.code}: ${err.message}` : String(err);
  }
  return "allowed";
};

describe("a Policy's scopes", () => {
  it("allow everything when absent, and each dimension when it is absent", () => {
    expect(refusal(() => checkScope(policy(), "bedrock", "invoke_stream"))).toBe("allowed");
    expect(refusal(() => checkScope(policy({ operations: ["chat"] }), "azure", "chat"))).toBe("allowed");
    expect(refusal(() => checkScope(policy({ surfaces: ["anthropic"] }), "anthropic", "count_tokens"))).toBe(
      "allowed",
    );
  });

  it("refuse a surface or an operation they leave out with 403, naming which", () => {
    const scoped = policy({ surfaces: ["openai"], operations: ["embeddings", "models"] });
    expect(refusal(() => checkScope(scoped, "openai", "embeddings"))).toBe("allowed");
    expect(refusal(() => checkScope(scoped, "openai", "models"))).toBe("allowed");
    expect(refusal(() => checkScope(scoped, "openai", "chat"))).toBe(
      "403 scope_not_allowed: This key's Policy does not allow the chat operation.",
    );
    expect(refusal(() => checkScope(scoped, "azure", "embeddings"))).toBe(
      "403 scope_not_allowed: This key's Policy does not allow the azure API.",
    );
  });

  it("count a streamed Bedrock operation as the operation", () => {
    expect(scopeOperationOf("invoke_stream")).toBe("invoke");
    expect(scopeOperationOf("converse_stream")).toBe("converse");
    const converse = policy({ operations: ["converse"] });
    expect(refusal(() => checkScope(converse, "bedrock", "converse_stream"))).toBe("allowed");
    expect(refusal(() => checkScope(converse, "bedrock", "invoke_stream"))).toContain("403");
  });

  it("security: a Policy cannot name an operation that does not exist, nor an empty list that would mean nothing", () => {
    const spec = (scopes: unknown) =>
      policySpecSchema.safeParse({
        routes: [{ model: "m", targets: [{ providerKeyRef: { name: "p" } }] }],
        scopes,
      });
    expect(spec({ operations: ["chat", "images"] }).success).toBe(false);
    expect(spec({ operations: ["invoke_stream"] }).success).toBe(false);
    expect(spec({ surfaces: [] }).success).toBe(false);
    expect(spec({ surfaces: ["vertex"] }).success).toBe(false);
    expect(spec({ surfaces: ["bedrock"], operations: ["converse"] }).success).toBe(true);
  });
});
