import type { ProviderName } from "../../common/schemas/provider-key.js";
import { GatewayError } from "../errors.js";
import { openaiAdapter } from "./openai/adapter.js";
import type { ProviderAdapter } from "./provider-adapter.js";

/** The adapter for a provider; every provider name is handled, none falls through. */
export function adapterFor(provider: ProviderName): ProviderAdapter {
  switch (provider) {
    case "openai":
    case "openai-compatible":
      return openaiAdapter;
    case "anthropic":
    case "azure-openai":
    case "bedrock":
    case "vertex":
      throw new GatewayError(
        501,
        "api_error",
        `routing to a ${provider} ProviderKey is not available in this gateway version`,
        "provider_not_supported",
      );
  }
}
