/** Picks a free loopback TCP port by letting the kernel choose one. */
import { createServer } from "node:net";

/**
 * The port is released before the caller binds it, so another process could grab it in between;
 * on a test machine that window is small enough, and it is the same trade-off envtest makes.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("could not read the port of a loopback listener"));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}
