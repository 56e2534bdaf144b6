/**
 * What one caller may hold on the inference port. Every number bounds a resource that a
 * caller without a key could otherwise grow until the process fails: file descriptors,
 * HTTP/2 sessions and streams, header and session memory, and time spent on a request
 * that never finishes arriving.
 */
export interface DualProtocolLimits {
  /** Request line and headers must arrive within this; also the time to say which protocol. */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this. The response is not bounded. */
  requestTimeoutMs: number;
  /** An idle HTTP/1.1 keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Request headers larger than this get 431, whether they came over HTTP/1.1 or HTTP/2. */
  maxHeaderBytes: number;
  /** SETTINGS_MAX_CONCURRENT_STREAMS, advertised and enforced per HTTP/2 session. */
  maxConcurrentStreams: number;
  /** HTTP/2 connections open at once; more are closed on arrival. */
  maxSessions: number;
  /** Memory one HTTP/2 session may use (nghttp2's count, in MiB) before new streams are refused. */
  maxSessionMemoryMb: number;
  /** An HTTP/2 session with no open stream for this long is closed (GOAWAY). */
  sessionIdleTimeoutMs: number;
  /** Loopback HTTP/1.1 sockets relaying HTTP/2 streams; streams beyond wait for a free one. */
  maxRelaySockets: number;
  /** Idle loopback sockets kept for reuse. */
  maxFreeRelaySockets: number;
  /** During a drain, a caller's HTTP/1.1 connection is closed once idle this long. */
  drainIdleGraceMs: number;
}

/**
 * Production defaults, and why:
 * - headersTimeoutMs 20 s: Node's 60 s lets a slowloris caller hold a socket for a minute per
 *   connection; real clients send their headers within milliseconds.
 * - requestTimeoutMs 120 s: the gateway accepts bodies up to 10 MiB, about 80 s at 1 Mbit/s;
 *   Node's 300 s lets a caller trickling a body hold a socket and a handler for five minutes.
 *   Streaming responses are not affected: the clock stops once the request has arrived.
 * - keepAliveTimeoutMs and sessionIdleTimeoutMs 65 s: longer than the 60 s idle timeout of
 *   common cloud load balancers, so the balancer closes first and never reuses a connection we
 *   have just closed (Node's 5 s gives sporadic 502s behind them).
 * - maxHeaderBytes 16 KiB: Node's default, pinned so NODE_OPTIONS cannot raise it; provider
 *   SDKs send under 4 KiB.
 * - maxConcurrentStreams 100: RFC 9113 recommends advertising no less; the AWS SDK queues
 *   requests beyond the peer's limit. Node's default is unlimited, one loopback socket each.
 * - maxSessions 512: each AWS SDK client keeps one session per endpoint, so this is hundreds
 *   of client processes per replica; with the stream limit it bounds streams at 51,200.
 * - maxSessionMemoryMb 8: 100 streams with 64 KiB flow-control windows is about 6.4 MiB;
 *   past this nghttp2 refuses new streams instead of buffering more.
 * - maxRelaySockets 1024: two descriptors each (both ends of loopback), about a tenth of a
 *   20k RLIMIT_NOFILE; streams beyond wait in the agent's queue instead of opening sockets.
 * - drainIdleGraceMs 2 s: a caller sending more often than this is told `Connection: close` on
 *   its next response instead of having the connection closed under a request it is sending;
 *   the drain ends at most this long after the last response.
 */
export const DEFAULT_DUAL_PROTOCOL_LIMITS: DualProtocolLimits = {
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 120_000,
  keepAliveTimeoutMs: 65_000,
  maxHeaderBytes: 16 * 1024,
  maxConcurrentStreams: 100,
  maxSessions: 512,
  maxSessionMemoryMb: 8,
  sessionIdleTimeoutMs: 65_000,
  maxRelaySockets: 1024,
  maxFreeRelaySockets: 64,
  drainIdleGraceMs: 2_000,
};
