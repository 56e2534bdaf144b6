/**
 * Reaches an address inside the node's network namespace from this machine's loopback, the way
 * docker's port mapping reaches into a kind node: a TCP listener on 127.0.0.1 here, a socat inside
 * the namespace, and a Unix socket between them (a file, visible from both namespaces). Traffic to
 * a Service address goes through kube-proxy's rules there like a Pod's would.
 */
import { existsSync } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { type ManagedProcess, startProcess } from "../../harness/managed-process.js";
import { waitFor } from "../../harness/wait-for.js";
import type { NodeNamespaces } from "./node-namespaces.js";

export interface LoopbackForward {
  /** 127.0.0.1 */
  host: string;
  port: number;
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") reject(new Error("no loopback port"));
      else resolve(address.port);
    });
  });
}

function pipeTo(socketPath: string, client: Socket, open: Set<Socket>): void {
  const upstream = createConnection(socketPath);
  for (const s of [client, upstream]) {
    open.add(s);
    s.on("close", () => open.delete(s));
    // One side failing ends both; the other side's error is the interesting one, not this.
    s.on("error", () => {
      client.destroy();
      upstream.destroy();
    });
  }
  client.pipe(upstream);
  upstream.pipe(client);
}

let forwardCount = 0;

export async function forwardIntoNode(
  ns: NodeNamespaces,
  target: { host: string; port: number },
  socketDir: string,
  logDir: string,
): Promise<LoopbackForward> {
  // Numbered: the same target may be forwarded twice, each with its own socket.
  const name = `forward-${target.host}-${target.port}-${++forwardCount}`;
  const socketPath = join(socketDir, `${name}.sock`);
  const command = ns.enter("socat", [
    `UNIX-LISTEN:${socketPath},fork,unlink-early,mode=600`,
    `TCP:${target.host}:${target.port}`,
  ]);
  const socat: ManagedProcess = startProcess({
    name,
    file: command.file,
    args: command.args,
    logPath: join(logDir, `${name}.log`),
  });
  const open = new Set<Socket>();
  const server = createServer((client) => pipeTo(socketPath, client, open));
  try {
    await waitFor(`${name} socket`, async () => {
      if (socat.hasExited()) throw new Error(`socat exited: ${socat.logTail(5)}`);
      return existsSync(socketPath) ? true : undefined;
    });
    const port = await listen(server);
    return {
      host: "127.0.0.1",
      port,
      close: async () => {
        for (const s of open) s.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await socat.stop(1_000);
      },
    };
  } catch (err) {
    if (server.listening) server.close();
    await socat.stop(0);
    throw err;
  }
}
