import type { Operation } from "../pipeline/types.js";
import type { RuntimeProvider } from "../snapshot.js";
import { callerSegment } from "./path-segment.js";

export const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";
export const AZURE_DEFAULT_API_VERSION = "2024-10-21";

const paths: Partial<Record<Operation, string>> = {
  chat: "chat/completions",
  completions: "completions",
  embeddings: "embeddings",
  responses: "responses",
};

/**
 * URL and credential header for an OpenAI-shaped call. OpenAI and OpenAI-compatible servers
 * take a Bearer key under the base URL; Azure OpenAI takes `api-key` and names the model
 * as a deployment in the path.
 */
export function openaiEndpoint(
  provider: RuntimeProvider,
  operation: Operation,
  model: string,
): { url: string; headers: Record<string, string> } {
  const path = paths[operation];
  if (!path) throw new Error(`operation ${operation} has no OpenAI endpoint`);
  const headers: Record<string, string> = {};
  if (provider.provider === "azure-openai") {
    const deployment = callerSegment(model, "model");
    const base = (provider.baseURL ?? "").replace(/\/+$/, "");
    if (provider.credential) headers["api-key"] = provider.credential;
    return {
      url: `${base}/openai/deployments/${deployment}/${path}?api-version=${AZURE_DEFAULT_API_VERSION}`,
      headers,
    };
  }
  const base = (provider.baseURL ?? OPENAI_DEFAULT_BASE_URL).replace(/\/+$/, "");
  if (provider.credential) headers.authorization = `Bearer ${provider.credential}`;
  return { url: `${base}/${path}`, headers };
}
