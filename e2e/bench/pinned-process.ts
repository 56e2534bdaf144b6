/**
 * A benchmark contestant or load tool as a process pinned to one core with taskset: its
 * output goes to a file (a log write per request costs what it costs in production), and it
 * is ready once its port accepts connections.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export interface PinnedProcess {
  readonly pid: number;
  /** Resident memory now, in MiB (VmRSS). */
  rssMiB(): number;
  stop(): Promise<void>;
}

/** A port free right now on 127.0.0.1: the contestant is told to listen there. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** The VmRSS line of /proc/<pid>/status, in MiB. */
export function rssMiBOf(status: string): number {
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error("no VmRSS in the process status");
  return Number(kib) / 1024;
}

export async function startPinned(o: {
  cpu: number;
  command: string;
  args: readonly string[];
  port: number;
  logPath: string;
  env?: Record<string, string>;
}): Promise<PinnedProcess> {
  const log = openSync(o.logPath, "a");
  // taskset execs the command: the pid is the contestant's own.
  const child = spawn("taskset", ["-c", String(o.cpu), o.command, ...o.args], {
    stdio: ["ignore", log, log],
    env: { PATH: process.env.PATH ?? "", ...o.env },
  });
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${o.command}`);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exit.then(() => {
    exited = true;
  });
  const deadline = Date.now() + 30_000;
  while (!(await accepts(o.port))) {
    if (exited) throw new Error(`${o.command} exited before it listened; see ${o.logPath}`);
    if (Date.now() > deadline) throw new Error(`${o.command} did not listen on ${o.port} within 30 s`);
    await sleep(50);
  }
  return {
    pid,
    rssMiB: () => rssMiBOf(readFileSync(`/proc/${pid}/status`, "utf8")),
    stop: async () => {
      if (exited) return;
      child.kill("SIGTERM");
      const killed = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exit;
      clearTimeout(killed);
    },
  };
}
