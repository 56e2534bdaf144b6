import type { IncomingHttpHeaders } from "node:http";
import type { GatewayError } from "../errors.js";
import type { InboundRequest, SurfaceName } from "../pipeline/types.js";

export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A caller-facing API: how it shapes errors. Each operation brings its own RequestReader. */
export interface Surface {
  name: SurfaceName;
  renderError(err: GatewayError): RenderedError;
}

/** What a reader sees of the caller's request besides its body: headers and decoded path parameters. */
export interface CallerRequest {
  headers: IncomingHttpHeaders;
  params: Record<string, string>;
}

/** Reads one operation's request (the JSON body, already an object) into an InboundRequest. */
export type RequestReader = (
  body: Record<string, unknown>,
  req: CallerRequest,
) => Omit<InboundRequest, "surface">;
