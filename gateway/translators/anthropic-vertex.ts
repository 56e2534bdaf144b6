import type { Target, Translator, UpstreamCall } from "../pipeline/types.js";
import { vertexAccess } from "../upstream-auth/vertex-tokens.js";
import { AnthropicSseStream, anthropicUsage } from "./anthropic.js";
import { parseJsonObject } from "./json-body.js";

export const VERTEX_ANTHROPIC_VERSION = "vertex-2023-10-16";

/** `https://{region}-aiplatform.googleapis.com`, or the global endpoint, unless baseURL overrides it. */
export function vertexBase(target: Target): string {
  const region = target.provider.region ?? "us-central1";
  const host = region === "global" ? "aiplatform.googleapis.com" : `${region}-aiplatform.googleapis.com`;
  return (target.provider.baseURL ?? `https://${host}`).replace(/\/+$/, "");
}

export async function vertexModelCall(
  target: Target,
  publisher: "anthropic" | "google",
  method: string,
  body: Record<string, unknown>,
  stream: boolean,
): Promise<UpstreamCall> {
  const { token, project } = await vertexAccess(target.provider);
  const region = target.provider.region ?? "us-central1";
  const model = encodeURIComponent(target.model);
  const url = `${vertexBase(target)}/v1/projects/${encodeURIComponent(project)}/locations/${region}/publishers/${publisher}/models/${model}:${method}`;
  return {
    url,
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      accept: stream ? "text/event-stream" : "application/json",
    },
    body: JSON.stringify(body),
  };
}

/** Anthropic Messages callers to Claude on Vertex AI: the model moves to the path, the version into the body. */
export const anthropicToVertexTranslator: Translator = {
  request(inbound, target) {
    const { model: _model, ...rest } = inbound.body;
    const body = { ...rest, anthropic_version: VERTEX_ANTHROPIC_VERSION };
    return vertexModelCall(
      target,
      "anthropic",
      inbound.stream ? "streamRawPredict" : "rawPredict",
      body,
      inbound.stream,
    );
  },
  response(bodyText) {
    return { body: bodyText, usage: anthropicUsage(parseJsonObject(bodyText)) };
  },
  stream() {
    return new AnthropicSseStream();
  },
};
