import http from "node:http";
import http2 from "node:http2";

/** Connection-specific headers: HTTP/1.1 must not receive HTTP/2's, and http2 refuses these. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
  "http2-settings",
]);

/** Errors after this point belong to one stream; the stream's close already cleans up. */
function ignore(): void {}

export interface LoopbackTarget {
  port: number;
  /** Keep-alive agent bounding the loopback sockets: streams reuse them instead of one each. */
  agent: http.Agent;
}

export function loopbackAgent(maxSockets: number, maxFreeSockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets, maxTotalSockets: maxSockets, maxFreeSockets });
}

/** Answers with a bare status, or resets the stream if a response had begun: never a truncated 200. */
function fail(stream: http2.ServerHttp2Stream, status: number): void {
  if (stream.destroyed || stream.closed) return;
  if (stream.headersSent) {
    stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    return;
  }
  stream.respond({ ":status": status });
  stream.end();
}

function requestHeaders(headers: http2.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const forwarded: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(":") && value !== undefined && !HOP_BY_HOP.has(name)) forwarded[name] = value;
  }
  const authority = headers[":authority"];
  if (typeof authority === "string") forwarded.host = authority;
  return forwarded;
}

function relayResponse(stream: http2.ServerHttp2Stream, res: http.IncomingMessage): void {
  res.on("error", ignore);
  // A loopback response cut short (its socket died) must not leave the stream open forever.
  res.on("close", () => {
    if (!res.complete) fail(stream, 502);
  });
  if (stream.destroyed || stream.closed) {
    res.destroy();
    return;
  }
  const out: http2.OutgoingHttpHeaders = { ":status": res.statusCode ?? 502 };
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  try {
    stream.respond(out);
  } catch {
    // A header http2 refuses: a broken response, not a reason to crash.
    res.destroy();
    stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    return;
  }
  res.pipe(stream);
}

/**
 * Relays one HTTP/2 stream to the HTTP/1.1 side of this same server. Nothing the caller does to
 * the stream (a reset with any code, a dead connection, headers Node's HTTP/1.1 client rejects)
 * may escape as an uncaught exception: each emitter here has an error listener.
 */
export function relayStream(
  stream: http2.ServerHttp2Stream,
  headers: http2.IncomingHttpHeaders,
  target: LoopbackTarget,
): void {
  stream.on("error", ignore);
  let upstream: http.ClientRequest;
  try {
    upstream = http.request({
      host: "127.0.0.1",
      port: target.port,
      agent: target.agent,
      method: String(headers[":method"] ?? "GET"),
      path: String(headers[":path"] ?? "/"),
      headers: requestHeaders(headers),
    });
  } catch {
    // nghttp2 accepts some methods, paths and header values that Node's HTTP/1.1 client refuses.
    fail(stream, 400);
    return;
  }
  upstream.on("response", (res) => relayResponse(stream, res));
  upstream.on("error", () => fail(stream, 502));
  // A caller who resets the stream cancels the relayed request, and so the upstream call.
  stream.on("close", () => upstream.destroy());
  stream.pipe(upstream);
}
