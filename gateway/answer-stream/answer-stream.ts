import type { Operation, SurfaceName } from "../pipeline/types.js";
import type { AnswerChannels } from "./answer-channels.js";
import { AnthropicSseRewriter } from "./anthropic-rewriter.js";
import { BedrockAnswerStream } from "./bedrock-answer-stream.js";
import { OpenAIChatRewriter } from "./openai-chat-rewriter.js";
import { OpenAIResponsesRewriter } from "./openai-responses-rewriter.js";
import { SseAnswerStream } from "./sse-answer-stream.js";
import type { AnswerStream } from "./types.js";

/**
 * The checker for a streamed answer in the caller's API shape (after translation), or undefined
 * when the operation streams no text the gateway knows how to check.
 */
export function answerStreamFor(
  surface: SurfaceName,
  operation: Operation,
  channels: AnswerChannels,
): AnswerStream | undefined {
  switch (operation) {
    case "chat":
    case "completions":
      return new SseAnswerStream(new OpenAIChatRewriter(channels, operation), channels);
    case "responses":
      return new SseAnswerStream(new OpenAIResponsesRewriter(channels), channels);
    case "messages":
      return new SseAnswerStream(new AnthropicSseRewriter(channels), channels);
    case "converse_stream":
      return surface === "bedrock" ? new BedrockAnswerStream(channels, "converse") : undefined;
    case "invoke_stream":
      return surface === "bedrock" ? new BedrockAnswerStream(channels, "invoke") : undefined;
    default:
      return undefined;
  }
}
