import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

type Listenable = { listen(port: number, host: string, cb: () => void): Server };

/** Starts listening and resolves with the server and the port actually bound (port 0 picks one). */
export function listen(
  app: Listenable,
  port: number,
  host: string,
): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, () => {
      resolve({ server, port: (server.address() as AddressInfo).port });
    });
    server.once("error", reject);
  });
}

/**
 * Graceful close: stop accepting, let in-flight requests (streams included) finish, and
 * cut whatever is still open at the deadline.
 */
export function drain(server: Server, deadlineMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), deadlineMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
