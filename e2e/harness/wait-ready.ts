/** Polls a readiness check while watching the process, so a crash fails fast with its log instead of a timeout. */
import { setTimeout as sleep } from "node:timers/promises";
import type { ManagedProcess } from "./managed-process.js";

export interface WaitOptions {
  timeoutMs: number;
  /** Short because startup time is dominated by how soon we notice readiness. */
  intervalMs?: number;
}

export async function waitReady(
  proc: ManagedProcess,
  what: string,
  check: () => Promise<boolean>,
  { timeoutMs, intervalMs = 100 }: WaitOptions,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.hasExited()) {
      throw new Error(
        `${proc.name} exited (${await proc.exited}) before ${what}; last lines of ${proc.logPath}:\n${proc.logTail()}`,
      );
    }
    if (await check()) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${proc.name} did not become ready (${what}) within ${timeoutMs}ms; last lines of ${proc.logPath}:\n${proc.logTail()}`,
      );
    }
    await sleep(intervalMs);
  }
}
