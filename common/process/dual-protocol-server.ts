import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import { Duplex } from "node:stream";

const H2_PREFACE = Buffer.from("PRI * HTTP/2.0");
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
]);

export interface DualProtocolServer {
  port: number;
  /** Stops accepting; open requests and streams finish until the deadline, then are cut. */
  drain(deadlineMs: number): Promise<void>;
}

/**
 * The socket with the bytes already read put back in front. The HTTP/2 session reads the
 * native socket handle directly, so bytes unshifted into the JS stream would be lost; a
 * plain Duplex makes Node run the session over the JS stream instead.
 */
class PrefixedSocket extends Duplex {
  constructor(
    private readonly socket: net.Socket,
    first: Buffer,
  ) {
    super();
    this.push(first);
    socket.on("data", (d) => {
      if (!this.push(d)) socket.pause();
    });
    socket.on("end", () => this.push(null));
    socket.on("error", (e) => this.destroy(e));
    socket.on("close", () => this.destroy());
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.socket.write(chunk, cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.socket.end(cb);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.socket.destroy(err ?? undefined);
    cb(err);
  }
}

/** Relays one HTTP/2 stream to the HTTP/1.1 side of this same server. */
function relayStream(
  stream: http2.ServerHttp2Stream,
  headers: http2.IncomingHttpHeaders,
  port: number,
): void {
  const forwarded: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(":") && value !== undefined && !HOP_BY_HOP.has(name)) forwarded[name] = value;
  }
  const authority = headers[":authority"];
  if (typeof authority === "string") forwarded.host = authority;
  const upstream = http.request({
    host: "127.0.0.1",
    port,
    method: String(headers[":method"] ?? "GET"),
    path: String(headers[":path"] ?? "/"),
    headers: forwarded,
  });
  upstream.on("response", (res) => {
    const out: http2.OutgoingHttpHeaders = { ":status": res.statusCode ?? 502 };
    for (const [name, value] of Object.entries(res.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
    }
    if (stream.destroyed) return res.destroy();
    stream.respond(out);
    res.pipe(stream);
  });
  upstream.on("error", () => {
    if (!stream.headersSent && !stream.destroyed) stream.respond({ ":status": 502 });
    stream.end();
  });
  // A caller who resets the stream cancels the relayed request, and so the upstream call.
  stream.on("close", () => upstream.destroy());
  stream.pipe(upstream);
}

/**
 * One port speaking HTTP/1.1 and cleartext HTTP/2 (prior knowledge). The AWS SDK's Bedrock
 * runtime client talks HTTP/2 even to an http:// endpoint; everything else talks HTTP/1.1.
 * Connections are told apart by the HTTP/2 preface; HTTP/2 streams are relayed over
 * loopback to the HTTP/1.1 handler, so there is one request pipeline.
 */
export function listenDualProtocol(
  handler: http.RequestListener,
  port: number,
  host: string,
): Promise<DualProtocolServer> {
  const h1 = http.createServer(handler);
  const h2 = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on("session", (s) => {
    sessions.add(s);
    s.on("close", () => sessions.delete(s));
  });
  const front = net.createServer((socket) => {
    socket.once("data", (first) => {
      socket.pause();
      const n = Math.min(first.length, H2_PREFACE.length);
      if (first.subarray(0, n).equals(H2_PREFACE.subarray(0, n))) {
        h2.emit("connection", new PrefixedSocket(socket, first));
        return;
      }
      socket.unshift(first);
      h1.emit("connection", socket);
      socket.resume();
    });
  });
  return new Promise((resolve, reject) => {
    front.once("error", reject);
    front.listen(port, host, () => {
      const bound = (front.address() as net.AddressInfo).port;
      h2.on("stream", (stream, headers) => relayStream(stream, headers, bound));
      resolve({
        port: bound,
        drain: (deadlineMs) =>
          new Promise<void>((done) => {
            const timer = setTimeout(() => {
              h1.closeAllConnections();
              for (const s of sessions) s.destroy();
            }, deadlineMs);
            front.close(() => {
              clearTimeout(timer);
              done();
            });
            h1.close();
            h1.closeIdleConnections();
            for (const s of sessions) s.close();
          }),
      });
    });
  });
}
