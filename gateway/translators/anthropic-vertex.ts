import type { Target, Translator, UpstreamCall } from "../pipeline/types.js";
import { vertexAccess } from "../upstream-auth/vertex-tokens.js";
import { AnthropicSseStream, anthropicUsage } from "./anthropic.js";
import { callerSegment, configSegment, regionLabel } from "./path-segment.js";

export const VERTEX_ANTHROPIC_VERSION = "vertex-2023-10-16";

/** `https://{region}-aiplatform.googleapis.com`, or the global endpoint, unless baseURL overrides it. */
export function vertexBase(target: Target): string {
  const region = regionLabel(target.provider.region ?? "us-central1", target.provider.id);
  const host = region === "global" ? "aiplatform.googleapis.com" : `${region}-aiplatform.googleapis.com`;
  return (target.provider.baseURL ?? `https://${host}`).replace(/\/+$/, "");
}

/** The model's URL; every value in its path is checked, so none can move it up a segment. */
export function vertexModelURL(target: Target, project: string, publisher: string, method: string): string {
  const model = callerSegment(target.model, "model");
  const { id } = target.provider;
  const location = configSegment(target.provider.region ?? "us-central1", id, "region");
  const projectSegment = configSegment(project, id, "the project id");
  return `${vertexBase(target)}/v1/projects/${projectSegment}/locations/${location}/publishers/${publisher}/models/${model}:${method}`;
}

export async function vertexModelCall(
  target: Target,
  publisher: "anthropic" | "google",
  method: string,
  body: Record<string, unknown>,
  stream: boolean,
): Promise<UpstreamCall> {
  // A refused model name mints no token.
  callerSegment(target.model, "model");
  const { token, project } = await vertexAccess(target.provider);
  const url = vertexModelURL(target, project, publisher, method);
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
  response(reply) {
    return { body: reply.text, usage: anthropicUsage(reply.doc) };
  },
  stream() {
    return new AnthropicSseStream();
  },
};
