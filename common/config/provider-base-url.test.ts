import { describe, expect, it } from "vitest";
import type { ProviderName } from "../schemas/provider-key.js";
import { checkBaseURL } from "./provider-base-url.js";

const base = (provider: ProviderName, url: string) => {
  const r = checkBaseURL(provider, url);
  return "baseURL" in r ? r.baseURL : `problem: ${r.problem}`;
};

describe("checkBaseURL", () => {
  it.each<[ProviderName, string, string]>([
    // The documented form passes as written (less a trailing slash).
    ["openai", "https://api.openai.com/v1/", "https://api.openai.com/v1"],
    ["openai-compatible", "http://vllm.models:8000/v1", "http://vllm.models:8000/v1"],
    ["openai-compatible", "https://api.groq.com/openai/v1", "https://api.groq.com/openai/v1"],
    ["anthropic", "https://api.anthropic.com", "https://api.anthropic.com"],
    ["azure-openai", "https://r.openai.azure.com/", "https://r.openai.azure.com"],
    [
      "bedrock",
      "https://bedrock-runtime.us-east-1.amazonaws.com",
      "https://bedrock-runtime.us-east-1.amazonaws.com",
    ],
    [
      "vertex",
      "https://europe-west4-aiplatform.googleapis.com",
      "https://europe-west4-aiplatform.googleapis.com",
    ],
    // The other form of the same base is accepted and normalised.
    ["openai", "https://api.openai.com", "https://api.openai.com/v1"],
    ["anthropic", "https://api.anthropic.com/v1", "https://api.anthropic.com"],
    ["anthropic", "https://proxy.example/anthropic/v1/", "https://proxy.example/anthropic"],
    ["azure-openai", "https://r.openai.azure.com/openai", "https://r.openai.azure.com"],
    [
      "vertex",
      "https://us-central1-aiplatform.googleapis.com/v1",
      "https://us-central1-aiplatform.googleapis.com",
    ],
  ])("issue 10: %s accepts %s as %s", (provider, url, expected) => {
    expect(base(provider, url)).toBe(expected);
  });

  it.each<[ProviderName, string, string]>([
    ["openai", "https://api.openai.com/v1/chat/completions", "e.g. https://api.openai.com/v1"],
    ["openai-compatible", "http://vllm:8000/v1/embeddings", "usually ending in /v1"],
    ["anthropic", "https://api.anthropic.com/v1/messages", "without /v1, e.g. https://api.anthropic.com"],
    [
      "azure-openai",
      "https://r.openai.azure.com/openai/deployments/gpt-4o",
      "e.g. https://my-resource.openai.azure.com",
    ],
    ["azure-openai", "https://r.openai.azure.com/openai/v1", "the resource root"],
    ["bedrock", "https://bedrock-runtime.us-east-1.amazonaws.com/model/x", "bedrock-runtime.us-east-1"],
    ["vertex", "https://aiplatform.googleapis.com/v1/projects/p", "without /v1"],
  ])("issue 10: %s refuses %s with a message showing the expected form", (provider, url, shows) => {
    const message = base(provider, url);
    expect(message).toMatch(new RegExp(`^problem: baseURL for provider ${provider} names an endpoint`));
    expect(message).toContain(shows);
    expect(message).toContain("the gateway appends");
  });

  it("refuses a query, a fragment or a user name, which the appended path would land behind or fetch refuses", () => {
    expect(base("openai", "https://api.openai.com/v1?x=1")).toContain("has a query or fragment");
    expect(base("anthropic", "https://api.anthropic.com#v1")).toContain("has a query or fragment");
    expect(base("openai", "https://u:p@api.openai.com/v1")).toContain("has a user name or password");
  });
});
