import type { PlannedReply } from "./bedrock-reply.js";
import { randomAlphanumeric } from "./random-id.js";

/**
 * Bedrock answers with the bare Anthropic model name: `anthropic.claude-3-5-haiku-20241022-v1:0`,
 * `us.anthropic.…` and inference-profile ARNs all become `claude-3-5-haiku-20241022`.
 */
export function anthropicModelName(modelId: string): string {
  const afterVendor = modelId.slice(modelId.lastIndexOf("anthropic.") + "anthropic.".length);
  return afterVendor.replace(/-v\d+:\d+$/, "");
}

/** Bedrock's Anthropic message ids carry a `bdrk` marker. */
export function anthropicMessageId(): string {
  return `msg_bdrk_${randomAlphanumeric(24)}`;
}

/** The InvokeModel body for an Anthropic model: the Messages API response, as Bedrock relays it. */
export function anthropicMessage(modelId: string, reply: PlannedReply, id: string): object {
  return {
    id,
    type: "message",
    role: "assistant",
    model: anthropicModelName(modelId),
    content: [{ type: "text", text: reply.text }],
    stop_reason: reply.stopReason,
    stop_sequence: null,
    usage: {
      input_tokens: reply.inputTokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: reply.outputTokens,
    },
  };
}

/**
 * The Anthropic stream events carried inside InvokeModelWithResponseStream chunks. A
 * generator, so the metrics on the last event are measured when it is actually sent.
 */
export function* anthropicStreamEvents(
  modelId: string,
  reply: PlannedReply,
  id: string,
  startedAt: number,
): Generator<object> {
  const message = anthropicMessage(modelId, reply, id);
  yield {
    type: "message_start",
    message: {
      ...message,
      content: [],
      stop_reason: null,
      usage: { input_tokens: reply.inputTokens, output_tokens: 1 },
    },
  };
  const firstByteLatency = Math.round(performance.now() - startedAt);
  yield { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } };
  for (const piece of reply.pieces) {
    yield { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: piece } };
  }
  yield { type: "content_block_stop", index: 0 };
  yield {
    type: "message_delta",
    delta: { stop_reason: reply.stopReason, stop_sequence: null },
    usage: { output_tokens: reply.outputTokens },
  };
  // Bedrock adds its own accounting to the last event; relays read usage from here.
  yield {
    type: "message_stop",
    "amazon-bedrock-invocationMetrics": {
      inputTokenCount: reply.inputTokens,
      outputTokenCount: reply.outputTokens,
      invocationLatency: Math.round(performance.now() - startedAt),
      firstByteLatency,
    },
  };
}
