import { chunkJson, eventTypeOf, readBedrockEvent } from "../aws/bedrock-stream-events.js";
import { EventStreamDecoder } from "../aws/event-stream.js";
import { badRequest } from "../errors.js";
import type {
  InboundRequest,
  Operation,
  StreamTranslator,
  Target,
  Translator,
  UpstreamCall,
  Usage,
} from "../pipeline/types.js";
import { signerFor } from "../upstream-auth/bedrock-signers.js";
import { anthropicUsage } from "./anthropic.js";
import { numberAt, objectAt } from "./json-body.js";
import { callerSegment, regionLabel, segmentProblem } from "./path-segment.js";

const suffix: Partial<Record<Operation, string>> = {
  invoke: "invoke",
  invoke_stream: "invoke-with-response-stream",
  converse: "converse",
  converse_stream: "converse-stream",
};

/**
 * The model id as one path segment. Bedrock also takes ARNs (inference profiles, provisioned
 * throughput), whose `/` is sent encoded; every part between them must still be a plain name.
 */
function modelSegment(model: string): string {
  if (!model.startsWith("arn:")) return callerSegment(model, "model");
  const problem = model.split("/").map(segmentProblem).find(Boolean);
  if (problem) throw badRequest(`model cannot be sent upstream: a part of the ARN ${problem}`, "model");
  return encodeURIComponent(model);
}

export function bedrockURL(target: Target, operation: Operation): string {
  const model = modelSegment(target.model);
  const { baseURL, region, id } = target.provider;
  const base = (baseURL ?? `https://bedrock-runtime.${regionLabel(region ?? "", id)}.amazonaws.com`).replace(
    /\/+$/,
    "",
  );
  return `${base}/model/${model}/${suffix[operation] ?? "invoke"}`;
}

/** A signed Bedrock call with the platform's AWS credentials; the caller's never go along. */
export async function signedBedrockCall(
  target: Target,
  operation: Operation,
  body: string,
  stream: boolean,
): Promise<UpstreamCall> {
  const url = bedrockURL(target, operation);
  const headers = {
    "content-type": "application/json",
    accept: stream ? "application/vnd.amazon.eventstream" : "application/json",
  };
  const signed = await signerFor(target.provider).sign({ method: "POST", url, headers, body });
  return { url, method: "POST", headers: signed, body };
}

/** Usage of a complete Bedrock answer: Converse's camelCase or an Anthropic body from InvokeModel. */
export function bedrockUsage(doc: Record<string, unknown> | undefined): Usage | undefined {
  const converse = objectAt(doc, "usage");
  const inputTokens = numberAt(converse, "inputTokens");
  if (inputTokens !== undefined)
    return { inputTokens, outputTokens: numberAt(converse, "outputTokens") ?? 0 };
  return anthropicUsage(doc);
}

/** Usage carried inside a stream: ConverseStream `metadata`, or the invocation metrics in the last chunk. */
function streamUsage(message: Parameters<typeof eventTypeOf>[0]): Usage | undefined {
  const type = eventTypeOf(message);
  if (type === "metadata") {
    const event = readBedrockEvent(message);
    return event.kind === "event" ? bedrockUsage(event.payload as Record<string, unknown>) : undefined;
  }
  if (type !== "chunk") return undefined;
  const metrics = objectAt(chunkJson(message), "amazon-bedrock-invocationMetrics");
  const input = numberAt(metrics, "inputTokenCount");
  return input === undefined
    ? undefined
    : { inputTokens: input, outputTokens: numberAt(metrics, "outputTokenCount") ?? 0 };
}

/** Passes the event stream through byte for byte while decoding a copy for usage. */
class BedrockPassthroughStream implements StreamTranslator {
  readonly contentType = "application/vnd.amazon.eventstream";
  readonly upstreamContentType = "application/vnd.amazon.eventstream";
  private readonly decoder = new EventStreamDecoder();
  private seen: Usage | undefined;
  private broken = false;

  push(chunk: Uint8Array): Uint8Array[] {
    if (!this.broken) {
      try {
        for (const m of this.decoder.push(chunk)) this.seen = streamUsage(m) ?? this.seen;
      } catch {
        // Usage is best effort; the caller's SDK will report a corrupt stream itself.
        this.broken = true;
      }
    }
    return [chunk];
  }

  end(): Uint8Array[] {
    return [];
  }

  usage(): Usage | undefined {
    return this.seen;
  }
}

/** Bedrock runtime callers to Bedrock: same body, re-signed with SigV4. */
export const bedrockTranslator: Translator = {
  request(inbound: InboundRequest, target: Target) {
    return signedBedrockCall(target, inbound.operation, JSON.stringify(inbound.body), inbound.stream);
  },
  response(reply, _inbound, headers) {
    const input = Number(headers.get("x-amzn-bedrock-input-token-count") ?? Number.NaN);
    const output = Number(headers.get("x-amzn-bedrock-output-token-count") ?? Number.NaN);
    const fromHeaders = Number.isFinite(input)
      ? { inputTokens: input, outputTokens: Number.isFinite(output) ? output : 0 }
      : undefined;
    return { body: reply.text, usage: fromHeaders ?? bedrockUsage(reply.doc) };
  },
  stream() {
    return new BedrockPassthroughStream();
  },
};
