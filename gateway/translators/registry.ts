import type { ProviderName } from "../../common/schemas/provider-key.js";
import { GatewayError } from "../errors.js";
import type { Operation, Translator } from "../pipeline/types.js";
import { anthropicTranslator } from "./anthropic.js";
import { anthropicToBedrockTranslator } from "./anthropic-bedrock.js";
import { anthropicToVertexTranslator } from "./anthropic-vertex.js";
import { bedrockTranslator } from "./bedrock.js";
import { openaiTranslator } from "./openai.js";
import { openaiToGeminiTranslator } from "./openai-gemini.js";

type Family = "openai" | "anthropic" | "bedrock";

const familyOf: Record<Operation, Family> = {
  chat: "openai",
  completions: "openai",
  embeddings: "openai",
  responses: "openai",
  messages: "anthropic",
  count_tokens: "anthropic",
  invoke: "bedrock",
  invoke_stream: "bedrock",
  converse: "bedrock",
  converse_stream: "bedrock",
};

function incompatible(operation: Operation, provider: ProviderName): GatewayError {
  return new GatewayError(
    "invalid_request",
    `this model is routed to a ${provider} ProviderKey, which cannot serve ${familyOf[operation]}-style ${operation} requests; route it to a compatible provider`,
    { code: "incompatible_provider", status: 400 },
  );
}

/** The translator for an operation and upstream provider; every pair is decided here, none by default. */
export function translatorFor(operation: Operation, provider: ProviderName): Translator {
  const family = familyOf[operation];
  switch (provider) {
    case "openai":
    case "openai-compatible":
    case "azure-openai":
      if (family === "openai") return openaiTranslator;
      throw incompatible(operation, provider);
    case "anthropic":
      if (family === "anthropic") return anthropicTranslator;
      throw incompatible(operation, provider);
    case "bedrock":
      if (family === "bedrock") return bedrockTranslator;
      if (operation === "messages") return anthropicToBedrockTranslator;
      throw incompatible(operation, provider);
    case "vertex":
      if (operation === "messages") return anthropicToVertexTranslator;
      if (operation === "chat") return openaiToGeminiTranslator;
      throw incompatible(operation, provider);
  }
}
