import { type CallerSurface, unstreamedOperations } from "../../common/schemas/scopes.js";
import type { RuntimeProvider } from "../snapshot.js";

/** The API a caller speaks (and in whose shape it gets its errors). */
export type SurfaceName = CallerSurface;

/** Every operation a caller surface routes, streamed variants their own. */
export const operations = [...unstreamedOperations, "invoke_stream", "converse_stream"] as const;
export type Operation = (typeof operations)[number];

/** A caller's request after its surface read it: routed by `model`. */
export interface InboundRequest {
  surface: SurfaceName;
  operation: Operation;
  model: string;
  stream: boolean;
  body: Record<string, unknown>;
  /** Caller headers that carry API semantics upstream (e.g. anthropic-version), never credentials. */
  passHeaders: Record<string, string>;
  /**
   * The caller named no output-token cap and the gateway added the limit's, in the operation's
   * first field: a translator may move it to the field its upstream knows.
   */
  outputCapAdded?: true;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export interface UpstreamCall {
  url: string;
  method: "POST" | "GET";
  headers: Record<string, string>;
  body: string | undefined;
}

export interface Target {
  provider: RuntimeProvider;
  /** The model name to send upstream (after the route's rewrite). */
  model: string;
  timeoutMs: number;
}

/** Turns upstream stream bytes into caller bytes, event by event, reading usage on the way. */
export interface StreamTranslator {
  /** The caller's stream media type. */
  readonly contentType: string;
  /** The media type the upstream's stream must have (without parameters): anything else is a 502. */
  readonly upstreamContentType: string;
  push(chunk: Uint8Array): Uint8Array[];
  end(): Uint8Array[];
  usage(): Usage | undefined;
}

/** Response headers as the gateway reads them: one by name, or all. WHATWG Headers fits too. */
export interface HeaderReader {
  get(name: string): string | null;
  forEach(each: (value: string, name: string) => void): void;
}

/** A complete upstream answer, parsed once: its text, and the JSON object it holds (if it is one). */
export interface UpstreamReply {
  text: string;
  doc: Record<string, unknown> | undefined;
}

/** One per (operation, upstream provider) pair: build the call, read the answer. */
export interface Translator {
  request(inbound: InboundRequest, target: Target): Promise<UpstreamCall>;
  /** A complete (non-streaming) 2xx answer: the body for the caller and its usage. */
  response(
    reply: UpstreamReply,
    inbound: InboundRequest,
    headers: HeaderReader,
  ): { body: string; usage: Usage | undefined };
  stream(inbound: InboundRequest): StreamTranslator;
}
