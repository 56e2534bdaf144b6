import type { Response as ExpressResponse } from "express";
import { scrubSecrets } from "../scrub.js";
import type { UpstreamAttempt } from "./call-upstream.js";
import type { InboundRequest, Translator, Usage } from "./types.js";

/** Upstream response headers a caller may see; cookies and hop-by-hop headers stay behind. */
const PASSED = [
  "x-request-id",
  "openai-processing-ms",
  "openai-version",
  "request-id",
  "anthropic-organization-id",
];

function passHeaders(upstream: Response, res: ExpressResponse, ownRateLimits: boolean): void {
  upstream.headers.forEach((value, name) => {
    // The gateway's own limits are the ones that bind this caller; upstream's would mislead.
    const rateLimit = name.startsWith("x-ratelimit-") || name.startsWith("anthropic-ratelimit-");
    if (PASSED.includes(name) || (rateLimit && !ownRateLimits)) res.setHeader(name, value);
  });
}

function writeAll(res: ExpressResponse, chunks: readonly Uint8Array[]): Promise<void> | undefined {
  let ok = true;
  for (const c of chunks) ok = res.write(c) && ok;
  if (ok) return undefined;
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

export interface ForwardOptions {
  inbound: InboundRequest;
  translator: Translator;
  secrets: readonly (string | undefined)[];
  ownRateLimits: boolean;
  /** Called when the first byte of a streamed body is written (time to first token). */
  onFirstByte?: () => void;
}

/**
 * Sends the upstream answer to the caller. Errors are read whole and scrubbed of provider
 * credentials; complete answers go through the translator; streams go event by event,
 * each forwarded as soon as it is complete — nothing is held back for usage accounting.
 */
export async function forwardResponse(
  attempt: UpstreamAttempt,
  res: ExpressResponse,
  opts: ForwardOptions,
): Promise<Usage | undefined> {
  const upstream = attempt.response;
  passHeaders(upstream, res, opts.ownRateLimits);
  try {
    if (!upstream.ok || !upstream.body) {
      const text = scrubSecrets(await upstream.text(), opts.secrets);
      res
        .status(upstream.status)
        .type(upstream.headers.get("content-type") ?? "application/json")
        .send(text);
      return undefined;
    }
    if (!opts.inbound.stream) {
      const { body, usage } = opts.translator.response(await upstream.text(), opts.inbound, upstream.headers);
      res.status(upstream.status).type("application/json").send(body);
      return usage;
    }
    attempt.clearTimeout();
    const stream = opts.translator.stream(opts.inbound);
    res.status(upstream.status);
    res.setHeader("content-type", stream.contentType);
    res.setHeader("cache-control", "no-cache");
    res.flushHeaders();
    let first = true;
    for await (const chunk of upstream.body) {
      if (res.destroyed) break;
      const out = stream.push(chunk);
      if (first && out.length > 0) {
        first = false;
        opts.onFirstByte?.();
      }
      await writeAll(res, out);
    }
    await writeAll(res, stream.end());
    res.end();
    return stream.usage();
  } finally {
    attempt.clearTimeout();
  }
}
