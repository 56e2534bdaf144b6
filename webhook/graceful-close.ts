import type { Server as HttpServer, IncomingMessage, ServerResponse } from "node:http";
import type { Server as HttpsServer } from "node:https";

export interface GracefulCloser {
  /**
   * Stops accepting, lets in-flight requests finish, then resolves; connections still open after
   * `timeoutMs` are cut. Safe to call more than once.
   */
  close(timeoutMs: number): Promise<void>;
}

/**
 * Must be attached before the server takes requests. `server.close()` alone waits for keep-alive connections
 * to time out, and the API server keeps its webhook connections alive; so once closing, every response
 * still to be written asks the client to close its connection.
 */
export function gracefulCloser(server: HttpServer | HttpsServer): GracefulCloser {
  const active = new Set<ServerResponse>();
  let closing: Promise<void> | undefined;

  server.on("request", (_req: IncomingMessage, res: ServerResponse) => {
    if (closing !== undefined) askToClose(res);
    active.add(res);
    res.once("close", () => active.delete(res));
  });

  return {
    close(timeoutMs) {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        for (const res of active) askToClose(res);
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
        force.unref();
        server.once("close", () => clearTimeout(force));
      });
      return closing;
    },
  };
}

function askToClose(res: ServerResponse): void {
  if (!res.headersSent) res.setHeader("connection", "close");
}
