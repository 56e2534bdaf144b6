import type { ProviderName } from "../schemas/provider-key.js";

/** What a ProviderKey's baseURL is for one provider: the part the gateway appends paths to. */
interface BaseURLForm {
  /** The expected form, as the error message shows it. */
  expected: string;
  /** What the gateway appends, as the error message shows it. */
  appends: string;
  /** A trailing path segment that is unambiguously the same base written the other way. */
  strip?: RegExp;
  /** A trailing segment to add when the path is empty (OpenAI's API lives under /v1 only). */
  addWhenEmpty?: string;
  /** Paths that name an endpoint rather than a base: never what is meant. */
  refuse: RegExp;
}

const openaiEndpoints = /\/(chat\/completions|completions|embeddings|responses|models)$/;

const forms: Record<ProviderName, BaseURLForm> = {
  openai: {
    expected: "the API root with its version, e.g. https://api.openai.com/v1",
    appends: "/chat/completions, /embeddings, …",
    addWhenEmpty: "/v1",
    refuse: openaiEndpoints,
  },
  "openai-compatible": {
    expected:
      "the prefix the server's OpenAI endpoints sit under, usually ending in /v1, e.g. http://vllm.models:8000/v1",
    appends: "/chat/completions, /embeddings, …",
    refuse: openaiEndpoints,
  },
  anthropic: {
    expected: "the API origin without /v1, e.g. https://api.anthropic.com",
    appends: "/v1/messages",
    strip: /\/v1$/,
    refuse: /\/v1\/messages(\/count_tokens)?$|\/messages$/,
  },
  "azure-openai": {
    expected: "the resource root, e.g. https://my-resource.openai.azure.com",
    appends: "/openai/deployments/{deployment}/…",
    strip: /\/openai$/,
    refuse: /\/openai\//,
  },
  bedrock: {
    expected: "the runtime endpoint's root, e.g. https://bedrock-runtime.us-east-1.amazonaws.com",
    appends: "/model/{model}/…",
    refuse: /\/model(\/|$)/,
  },
  vertex: {
    expected: "the endpoint's root without /v1, e.g. https://us-central1-aiplatform.googleapis.com",
    appends: "/v1/projects/{project}/locations/…",
    strip: /\/v1$/,
    refuse: /\/v1(beta1)?\/projects(\/|$)/,
  },
};

export type BaseURLCheck = { baseURL: string } | { problem: string };

/**
 * A ProviderKey's baseURL in the one form its provider's translator expects: the same base
 * written the other way (Anthropic's or Vertex's with /v1, Azure's with /openai, OpenAI's
 * bare origin) is normalised; a URL that names an endpoint, or has a query or fragment the
 * appended path would land behind, is a problem whose message shows the expected form.
 */
export function checkBaseURL(provider: ProviderName, baseURL: string): BaseURLCheck {
  const form = forms[provider];
  const problem = (what: string) => ({
    problem: `baseURL for provider ${provider} ${what}; it is ${form.expected} (the gateway appends ${form.appends})`,
  });
  if (!URL.canParse(baseURL)) return problem("is not an absolute URL");
  const url = new URL(baseURL);
  if (url.username !== "" || url.password !== "") return problem("has a user name or password");
  if (url.search !== "" || url.hash !== "") return problem("has a query or fragment");
  let path = url.pathname.replace(/\/+$/, "");
  if (form.refuse.test(path)) return problem(`names an endpoint ("${path}")`);
  if (form.strip) path = path.replace(form.strip, "");
  if (path === "" && form.addWhenEmpty) path = form.addWhenEmpty;
  return { baseURL: `${url.origin}${path}` };
}
