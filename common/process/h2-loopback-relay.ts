import http from "node:http";
import http2 from "node:http2";
import type net from "node:net";
import type stream from "node:stream";

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

/**
 * The keep-alive agent of the relay, which knows its own connections from the server's side
 * too: a drain treats them apart from callers' (see h1-connections.ts).
 */
export class LoopbackAgent extends http.Agent {
  private readonly localPorts = new Set<number>();

  constructor(maxSockets: number, maxFreeSockets: number) {
    super({ keepAlive: true, maxSockets, maxTotalSockets: maxSockets, maxFreeSockets });
  }

  override createConnection(
    options: http.ClientRequestArgs,
    callback?: (err: Error | null, socket: stream.Duplex) => void,
  ): stream.Duplex | null | undefined {
    const socket = super.createConnection(options, callback) as net.Socket | null | undefined;
    socket?.once("connect", () => {
      const port = socket.localPort;
      if (port === undefined) return;
      this.localPorts.add(port);
      socket.once("close", () => this.localPorts.delete(port));
    });
    return socket;
  }

  /** Whether a connection the server accepted is the other end of one of this agent's. */
  isPeerOf(accepted: net.Socket): boolean {
    return (
      accepted.remoteAddress === "127.0.0.1" &&
      accepted.remotePort !== undefined &&
      this.localPorts.has(accepted.remotePort)
    );
  }
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
