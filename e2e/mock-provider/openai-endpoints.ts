import { chatCompletion, chatCompletionChunks, newIdentity } from "./openai-completion.js";
import { type EmbeddingRequest, embeddingList, validateEmbeddingRequest } from "./openai-embeddings.js";
import type { EndpointReply, OpenAIEndpoint } from "./openai-endpoint.js";
import { draftResponse, wireResponse } from "./openai-responses.js";
import { responseEvents } from "./openai-responses-stream.js";
import { type ResponsesRequest, validateResponsesRequest } from "./openai-responses-validate.js";
import {
  type TextCompletionRequest,
  textCompletion,
  textCompletionChunks,
  validateTextCompletionRequest,
} from "./openai-text-completion.js";
import { type ChatRequest, validateChatRequest } from "./openai-validate.js";

/** The POST endpoints OpenAI serves; Azure OpenAI serves the first three under its deployments path. */

// Chat and legacy completions end their streams with a bare [DONE]; the Responses API does not.
const DONE = { data: "[DONE]" };

const asSse = (chunks: readonly unknown[]): EndpointReply => ({
  kind: "sse",
  events: [...chunks.map((chunk) => ({ data: JSON.stringify(chunk) })), DONE],
});

export const chatEndpoint: OpenAIEndpoint<ChatRequest> = {
  validate: validateChatRequest,
  reply: (request) => {
    const identity = newIdentity(request.model);
    return request.stream
      ? asSse(chatCompletionChunks(request, identity))
      : { kind: "json", body: chatCompletion(request, identity) };
  },
};

export const textCompletionEndpoint: OpenAIEndpoint<TextCompletionRequest> = {
  validate: validateTextCompletionRequest,
  reply: (request) =>
    request.stream ? asSse(textCompletionChunks(request)) : { kind: "json", body: textCompletion(request) },
};

export const embeddingsEndpoint: OpenAIEndpoint<EmbeddingRequest> = {
  validate: validateEmbeddingRequest,
  reply: (request) => ({ kind: "json", body: embeddingList(request) }),
};

export const responsesEndpoint: OpenAIEndpoint<ResponsesRequest> = {
  validate: validateResponsesRequest,
  reply: (request) => {
    const draft = draftResponse(request);
    return request.stream
      ? { kind: "sse", events: responseEvents(draft) }
      : { kind: "json", body: wireResponse(draft, true) };
  },
};
