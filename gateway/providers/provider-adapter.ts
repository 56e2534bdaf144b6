import type { RuntimeProvider } from "../snapshot.js";

/** An HTTP request to send upstream: the provider's URL, its credential, the body to send. */
export interface UpstreamRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** One per provider: turns a caller's (OpenAI-shaped) chat request into the upstream call. */
export interface ProviderAdapter {
  chatCompletions(provider: RuntimeProvider, body: Readonly<Record<string, unknown>>): UpstreamRequest;
}
