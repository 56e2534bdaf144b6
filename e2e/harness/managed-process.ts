/** A long-running child (etcd, kube-apiserver, …) whose output goes to a log file rather than the test output. */
import { spawn } from "node:child_process";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { basename } from "node:path";
import { registerExitCleanup } from "./exit-cleanup.js";

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logPath: string;
  /** Resolves with how the process ended ("code 1", "signal SIGTERM"); never rejects. */
  readonly exited: Promise<string>;
  hasExited(): boolean;
  /** The last lines of the log, to put in error messages. */
  logTail(lines?: number): string;
  /** SIGTERM, then SIGKILL after graceMs; resolves once the process is gone. Safe to call repeatedly. */
  stop(graceMs?: number): Promise<void>;
}

export interface ProcessSpec {
  name: string;
  file: string;
  args: readonly string[];
  logPath: string;
  /** The child's environment; this process's when unset. */
  env?: NodeJS.ProcessEnv;
}

const tailBytes = 16 * 1024;

export function readLogTail(logPath: string, lines = 30): string {
  let fd: number | undefined;
  try {
    fd = openSync(logPath, "r");
    const size = fstatSync(fd).size;
    const length = Math.min(size, tailBytes);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return buffer
      .toString("utf8")
      .split("\n")
      .slice(-lines - 1)
      .join("\n")
      .trimEnd();
  } catch {
    return "(no log)";
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function startProcess(spec: ProcessSpec): ManagedProcess {
  const logFd = openSync(spec.logPath, "a");
  const child = spawn(spec.file, spec.args, { stdio: ["ignore", logFd, logFd], env: spec.env });
  // The child holds its own copy of the descriptor; ours is no longer needed.
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) {
    child.on("error", () => {});
    throw new Error(`could not start ${spec.name} (${spec.file})`);
  }
  let exitDescription: string | undefined;
  const unregister = registerExitCleanup(() => {
    child.kill("SIGKILL");
  });
  const exited = new Promise<string>((resolve) => {
    child.on("error", (err) => {
      exitDescription ??= `spawn error: ${err.message}`;
      unregister();
      resolve(exitDescription);
    });
    child.on("exit", (code, signal) => {
      exitDescription ??= signal === null ? `code ${code}` : `signal ${signal}`;
      unregister();
      resolve(exitDescription);
    });
  });

  const stop = async (graceMs = 5_000): Promise<void> => {
    if (exitDescription !== undefined) return;
    child.kill("SIGTERM");
    const timer = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), graceMs).unref());
    if ((await Promise.race([exited, timer])) === "timeout") child.kill("SIGKILL");
    await exited;
  };

  return {
    name: spec.name || basename(spec.file),
    pid,
    logPath: spec.logPath,
    exited,
    hasExited: () => exitDescription !== undefined,
    logTail: (lines) => readLogTail(spec.logPath, lines),
    stop,
  };
}
