import type http from "node:http";
import type net from "node:net";

interface Connection {
  /** Responses not yet closed: more than one when the caller pipelines. */
  readonly open: Set<http.ServerResponse>;
  /** When the last open response closed (or the connection arrived). */
  idleSince: number;
}

/**
 * The HTTP/1.1 connections of one server, as a drain needs to see them.
 *
 * Closing a keep-alive connection the moment it goes idle races a caller who is sending its
 * next request on it: the request meets a reset, and a client that does not retry POSTs (the
 * openai SDK with maxRetries 0, most proxies) reports a failure. Measured: 33 of 100 drains with
 * one back-to-back caller ended in ECONNRESET. So a drain tells callers instead: every response
 * from then on says `Connection: close`, which a client obeys before sending again, and a
 * connection is closed only once it has been idle for a grace period; a caller still busy by
 * then has been told to go, and one that has been quiet that long is unlikely to send now.
 */
export class H1Connections {
  private readonly connections = new Map<net.Socket, Connection>();
  private draining = false;

  /** `exempt`: connections of our own (the HTTP/2 relay) that are closed as soon as idle. */
  constructor(private readonly exempt: (socket: net.Socket) => boolean) {}

  /** A connection handed to the HTTP/1.1 server. */
  add(socket: net.Socket): void {
    this.connections.set(socket, { open: new Set(), idleSince: Date.now() });
    socket.once("close", () => this.connections.delete(socket));
  }

  /** Call for every request before its handler runs. */
  onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const connection = this.connections.get(req.socket);
    if (connection === undefined) return;
    connection.open.add(res);
    if (this.draining) this.tellToClose(req.socket, res);
    res.once("close", () => {
      connection.open.delete(res);
      if (connection.open.size === 0) connection.idleSince = Date.now();
    });
  }

  /** From now on every response says `Connection: close`, those already begun included. */
  startDrain(): void {
    this.draining = true;
    for (const [socket, { open }] of this.connections) for (const res of open) this.tellToClose(socket, res);
  }

  /** Closes the connections idle for at least graceMs (our own: as soon as idle). */
  closeIdle(graceMs: number, now = Date.now()): void {
    for (const [socket, { open, idleSince }] of this.connections) {
      if (open.size > 0) continue;
      if (this.exempt(socket) || now - idleSince >= graceMs) socket.destroy();
    }
  }

  get size(): number {
    return this.connections.size;
  }

  private tellToClose(socket: net.Socket, res: http.ServerResponse): void {
    // Headers already sent (a stream under way): the connection closes once idle past the grace.
    if (res.headersSent || this.exempt(socket)) return;
    res.setHeader("connection", "close");
  }
}
