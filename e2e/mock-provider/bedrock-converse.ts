import type { PlannedReply } from "./bedrock-reply.js";

/** Converse spells its stop reasons as Anthropic does (end_turn, max_tokens), so one plan serves both. */
function usageOf(reply: PlannedReply) {
  return {
    inputTokens: reply.inputTokens,
    outputTokens: reply.outputTokens,
    totalTokens: reply.inputTokens + reply.outputTokens,
  };
}

export function converseResponse(reply: PlannedReply, startedAt: number): object {
  return {
    output: { message: { role: "assistant", content: [{ text: reply.text }] } },
    stopReason: reply.stopReason,
    usage: usageOf(reply),
    metrics: { latencyMs: Math.max(1, Math.round(performance.now() - startedAt)) },
  };
}

export interface ConverseStreamEvent {
  eventType: string;
  payload: object;
}

/** ConverseStream's event sequence; a generator so the final latency is measured when sent. */
export function* converseStreamEvents(
  reply: PlannedReply,
  startedAt: number,
): Generator<ConverseStreamEvent> {
  yield { eventType: "messageStart", payload: { role: "assistant" } };
  for (const piece of reply.pieces) {
    yield { eventType: "contentBlockDelta", payload: { contentBlockIndex: 0, delta: { text: piece } } };
  }
  yield { eventType: "contentBlockStop", payload: { contentBlockIndex: 0 } };
  yield { eventType: "messageStop", payload: { stopReason: reply.stopReason } };
  yield {
    eventType: "metadata",
    payload: {
      usage: usageOf(reply),
      metrics: { latencyMs: Math.max(1, Math.round(performance.now() - startedAt)) },
    },
  };
}
