/** A throwaway redis-server on a loopback port, for tests that take the limit store away and bring it back. */
import { connect } from "node:net";
import { join } from "node:path";
import { type ManagedProcess, startProcess } from "./managed-process.js";
import { waitReady } from "./wait-ready.js";

/** Whether something on the port answers PING with PONG. */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (d) => done(d.toString("latin1").startsWith("+PONG")));
  });
}

/**
 * Starts redis-server on `port` with nothing persisted, so a restart comes back empty, as a
 * replaced Redis pod without a volume would. `name` keeps each start's log apart.
 */
export async function startRedis(port: number, logDir: string, name = "redis"): Promise<ManagedProcess> {
  const proc = startProcess({
    name,
    file: process.env.REDIS_SERVER ?? "redis-server",
    args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    logPath: join(logDir, `${name}.log`),
  });
  try {
    await waitReady(proc, `PONG on port ${port}`, () => pong(port), { timeoutMs: 10_000 });
  } catch (err) {
    await proc.stop(0);
    throw err;
  }
  return proc;
}
