import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import { DEFAULT_DUAL_PROTOCOL_LIMITS, type DualProtocolLimits } from "./dual-protocol-limits.js";
import { markAwaitingContinue } from "./expect-continue.js";
import { H1Connections } from "./h1-connections.js";
import { LoopbackAgent, relayStream } from "./h2-loopback-relay.js";
import { PrefixedSocket } from "./prefixed-socket.js";

const H2_PREFACE = Buffer.from("PRI * HTTP/2.0");
const DRAIN_SWEEP_MS = 100;

export interface DualProtocolServer {
  port: number;
  /** Stops accepting; open requests and streams finish until the deadline, then are cut. */
  drain(deadlineMs: number): Promise<void>;
}

export interface DualProtocolOptions extends Partial<DualProtocolLimits> {
  /** Errors of the listening socket itself (such as EMFILE on accept); the server keeps going. */
  onServerError?: (err: Error) => void;
}

/** A caller's connection failing is the caller's business: the socket is already destroyed. */
function ignore(): void {}

function createH1(
  handler: http.RequestListener,
  limits: DualProtocolLimits,
  connections: H1Connections,
): http.Server {
  const tracked: http.RequestListener = (req, res) => {
    connections.onRequest(req, res);
    handler(req, res);
  };
  const h1 = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      maxHeaderSize: limits.maxHeaderBytes,
      // The timeouts above are only as precise as this sweep (Node's default is 30 s).
      connectionsCheckingInterval: Math.max(50, Math.min(limits.headersTimeoutMs / 4, 5_000)),
    },
    tracked,
  );
  // No automatic 100 Continue: the handler sends it (continueIfAwaited) once it wants the body.
  h1.on("checkContinue", (req: http.IncomingMessage, res: http.ServerResponse) => {
    markAwaitingContinue(req, res);
    tracked(req, res);
  });
  // Node tracks connections (the headers and request timeouts, closeAllConnections) from the
  // server's 'listening' event; this server never listens, the front socket hands it connections.
  h1.emit("listening");
  return h1;
}

function createH2(limits: DualProtocolLimits): http2.Http2Server {
  return http2.createServer({
    maxSessionMemory: limits.maxSessionMemoryMb,
    peerMaxConcurrentStreams: limits.maxConcurrentStreams,
    // Node's defaults, pinned: each bounds what a flood of HEADERS, SETTINGS or PING frames
    // can make a session hold before nghttp2 answers ENHANCE_YOUR_CALM or drops the session.
    maxHeaderListPairs: 128,
    maxSettings: 32,
    maxOutstandingPings: 10,
    maxSessionInvalidFrames: 1000,
    maxSessionRejectedStreams: 100,
    settings: {
      maxConcurrentStreams: limits.maxConcurrentStreams,
      // Node's default, pinned: headers past maxHeaderBytes still reach the HTTP/1.1 side and
      // get a 431 there; only past this does the stream get reset instead.
      maxHeaderListSize: 65_535,
      enablePush: false,
    },
  });
}

/**
 * Closes a session once it has had no open stream for idleMs, or never opened one (a partial
 * preface). A graceful close waits for the peer to close its end; one that does not within
 * idleMs more has its socket destroyed.
 */
function closeWhenIdle(session: http2.ServerHttp2Session, socket: PrefixedSocket, idleMs: number): void {
  let open = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    timer = setTimeout(() => {
      session.close();
      timer = setTimeout(() => socket.destroy(), idleMs);
    }, idleMs);
  };
  arm();
  session.on("stream", (stream: http2.ServerHttp2Stream) => {
    open++;
    clearTimeout(timer);
    stream.on("close", () => {
      open--;
      if (open === 0 && !session.closed && !session.destroyed && !socket.destroyed) arm();
    });
  });
  // Not the session's 'close': that can come while the peer still holds the socket open.
  socket.on("close", () => clearTimeout(timer));
}

/**
 * Reads until the bytes say which protocol the caller speaks: the HTTP/2 preface, or anything
 * else. A caller who says nothing within the headers timeout is cut.
 */
function sniff(socket: net.Socket, timeoutMs: number, route: (seen: Buffer, h2: boolean) => void): void {
  const silent = () => socket.destroy();
  socket.setTimeout(timeoutMs);
  socket.once("timeout", silent);
  let seen = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    seen = Buffer.concat([seen, chunk]);
    const n = Math.min(seen.length, H2_PREFACE.length);
    const h2 = seen.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
    if (h2 && n < H2_PREFACE.length) return;
    socket.off("data", onData);
    socket.pause();
    socket.setTimeout(0);
    socket.off("timeout", silent);
    route(seen, h2);
  };
  socket.on("data", onData);
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
  options: DualProtocolOptions = {},
): Promise<DualProtocolServer> {
  const { onServerError = ignore, ...overrides } = options;
  const limits: DualProtocolLimits = { ...DEFAULT_DUAL_PROTOCOL_LIMITS, ...overrides };
  const agent = new LoopbackAgent(limits.maxRelaySockets, limits.maxFreeRelaySockets);
  const connections = new H1Connections((socket) => agent.isPeerOf(socket));
  const h1 = createH1(handler, limits, connections);
  const h2 = createH2(limits);
  const sessions = new Set<http2.ServerHttp2Session>();
  // The sockets under the sessions: one can outlive its session for as long as the peer keeps
  // it open, so these are what the session bound counts and what a drain's deadline cuts.
  const h2Sockets = new Set<PrefixedSocket>();
  const watch = (socket: PrefixedSocket) => (s: http2.ServerHttp2Session) => {
    sessions.add(s);
    // Http2Server already turns session errors into 'sessionError'; this one is belt and braces.
    s.on("error", ignore);
    s.on("close", () => sessions.delete(s));
    closeWhenIdle(s, socket, limits.sessionIdleTimeoutMs);
  };
  const route = (socket: net.Socket) => (seen: Buffer, isH2: boolean) => {
    if (!isH2) {
      socket.unshift(seen);
      connections.add(socket);
      h1.emit("connection", socket);
      socket.resume();
      return;
    }
    if (h2Sockets.size >= limits.maxSessions) {
      socket.destroy();
      return;
    }
    const prefixed = new PrefixedSocket(socket, seen);
    prefixed.on("error", ignore);
    h2Sockets.add(prefixed);
    prefixed.on("close", () => h2Sockets.delete(prefixed));
    // Http2Server creates the session and emits 'session' synchronously, within this emit.
    const onSession = watch(prefixed);
    h2.once("session", onSession);
    h2.emit("connection", prefixed);
    h2.off("session", onSession);
  };
  // Nagle off, as http.createServer does for the sockets it accepts itself: a streamed answer
  // writes its headers, then small events, and with Nagle each event after the first waited for
  // the caller's delayed ACK (40 ms per streamed request, measured).
  // Accepted, not yet a request of either protocol: nothing in flight, so a drain closes them.
  // Each with when it was accepted.
  const unsniffed = new Map<net.Socket, number>();
  const front = net.createServer({ noDelay: true }, (socket) => {
    socket.on("error", ignore);
    unsniffed.set(socket, Date.now());
    socket.once("close", () => unsniffed.delete(socket));
    const onward = route(socket);
    sniff(socket, limits.headersTimeoutMs, (seen, h2) => {
      unsniffed.delete(socket);
      onward(seen, h2);
    });
  });
  return new Promise((resolve, reject) => {
    front.once("error", reject);
    front.listen(port, host, () => {
      front.off("error", reject);
      front.on("error", onServerError);
      const target = { port: (front.address() as net.AddressInfo).port, agent };
      h2.on("stream", (stream, headers) => relayStream(stream, headers, target));
      resolve({
        port: target.port,
        drain: (deadlineMs) =>
          new Promise<void>((done) => {
            // Callers are told to close (see h1-connections.ts); the relay's sockets close as
            // soon as idle, callers' once idle for the grace period.
            connections.startDrain();
            const sweep = setInterval(() => {
              connections.closeIdle(limits.drainIdleGraceMs);
              // One that connected and sent nothing yet (a pool's spare socket) would otherwise
              // hold the drain until the headers timeout; one that just connected may be sending.
              const before = Date.now() - limits.drainIdleGraceMs;
              for (const [socket, at] of unsniffed) if (at <= before) socket.destroy();
            }, DRAIN_SWEEP_MS);
            const deadline = setTimeout(() => {
              h1.closeAllConnections();
              for (const s of sessions) s.destroy();
              for (const socket of h2Sockets) socket.destroy();
              agent.destroy();
            }, deadlineMs);
            front.close(() => {
              clearInterval(sweep);
              clearTimeout(deadline);
              agent.destroy();
              // No connection is left: this only stops the HTTP/1.1 timeouts' sweep.
              h1.close();
              done();
            });
            for (const s of sessions) s.close();
          }),
      });
    });
  });
}
