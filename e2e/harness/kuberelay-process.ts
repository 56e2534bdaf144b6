/** A kuberelay process (`kuberelay operator|gateway|webhook`) started from the built dist/, as in the image. */
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { registerExitCleanup } from "./exit-cleanup.js";

export type LogLine = Record<string, unknown> & { msg?: string };

export interface KuberelayProcess {
  readonly name: string;
  readonly pid: number;
  /** Every JSON line the process printed, in order. */
  readonly lines: LogLine[];
  /** Everything it printed, JSON or not: to scan for leaked secrets. */
  output(): string;
  waitForLine(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Resolves with the exit code (null when killed by a signal) once the process has ended by itself or been stopped. */
  readonly exited: Promise<number | null>;
  /** SIGTERM; resolves with the exit code (null when killed after the grace period). */
  stop(graceMs?: number): Promise<number | null>;
}

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const cliEntry = join(repoRoot, "dist", "cli", "main.js");

export function startKuberelay(
  name: string,
  args: readonly string[],
  env: Record<string, string>,
  logPath: string,
): KuberelayProcess {
  const child = spawn(process.execPath, [cliEntry, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${name}`);
  const unregister = registerExitCleanup(() => child.kill("SIGKILL"));
  const log = createWriteStream(logPath, { flags: "a" });
  const lines: LogLine[] = [];
  let raw = "";
  const waiters = new Set<() => void>();
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.on("exit", (code) => {
      exitCode = code;
      unregister();
      for (const w of waiters) w();
      resolve(code);
    });
  });
  const onLine = (text: string) => {
    raw += `${text}\n`;
    log.write(`${text}\n`);
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === "object") lines.push(parsed as LogLine);
    } catch {
      // Not JSON (e.g. a Node warning on stderr): kept in output() only.
    }
    for (const w of waiters) w();
  };
  createInterface({ input: child.stdout }).on("line", onLine);
  createInterface({ input: child.stderr }).on("line", onLine);

  return {
    name,
    pid,
    lines,
    output: () => raw,
    exited,
    waitForLine(match, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(match);
          if (found) return done(() => resolve(found));
          if (exitCode !== undefined) {
            done(() =>
              reject(
                new Error(`${name} exited (${exitCode}) before the expected log line:\n${raw.slice(-4000)}`),
              ),
            );
          }
        };
        const timer = setTimeout(
          () =>
            done(() =>
              reject(
                new Error(`${name}: expected log line not seen in ${timeoutMs}ms:\n${raw.slice(-4000)}`),
              ),
            ),
          timeoutMs,
        );
        const done = (fn: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          fn();
        };
        waiters.add(check);
        check();
      });
    },
    async stop(graceMs = 10_000) {
      if (exitCode !== undefined) return exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const code = await exited;
      clearTimeout(timer);
      log.end();
      return code;
    },
  };
}
