import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import { loopbackAgent, relayStream } from "./h2-loopback-relay.js";
import { PrefixedSocket } from "./prefixed-socket.js";

const H2_PREFACE = Buffer.from("PRI * HTTP/2.0");
export interface DualProtocolServer {
  port: number;
  /** Stops accepting; open requests and streams finish until the deadline, then are cut. */
  drain(deadlineMs: number): Promise<void>;
}

/** A caller's connection failing is the caller's business: the socket is already destroyed. */
function ignore(): void {}

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
    socket.on("error", ignore);
    socket.once("data", (first) => {
      socket.pause();
      const n = Math.min(first.length, H2_PREFACE.length);
      if (first.subarray(0, n).equals(H2_PREFACE.subarray(0, n))) {
        const prefixed = new PrefixedSocket(socket, first);
        prefixed.on("error", ignore);
        h2.emit("connection", prefixed);
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
      const target = { port: bound, agent: loopbackAgent(1024, 64) };
      h2.on("stream", (stream, headers) => relayStream(stream, headers, target));
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
