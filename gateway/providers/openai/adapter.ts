import type { RuntimeProvider } from "../../snapshot.js";
import type { ProviderAdapter, UpstreamRequest } from "../provider-adapter.js";

export const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";

/** OpenAI, and any OpenAI-compatible server: same paths, Bearer credential. */
export const openaiAdapter: ProviderAdapter = {
  chatCompletions(provider: RuntimeProvider, body): UpstreamRequest {
    const base = (provider.baseURL ?? OPENAI_DEFAULT_BASE_URL).replace(/\/+$/, "");
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
    };
    if (provider.credential) headers.authorization = `Bearer ${provider.credential}`;
    return { url: `${base}/chat/completions`, headers, body: JSON.stringify(body) };
  },
};
