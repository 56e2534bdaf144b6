/** A Node script from dist/ as a child process that prints `{"msg":"listening","port":N}` when ready. */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { repoRoot } from "../harness/kuberelay-process.js";

export async function startNodeScript(
  script: string,
  args: string[],
): Promise<{ port: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [join(repoRoot, script), ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (line) => {
      try {
        const parsed = JSON.parse(line) as { msg?: string; port?: number };
        if (parsed.msg === "listening" && typeof parsed.port === "number") resolve(parsed.port);
      } catch {
        // not a status line
      }
    });
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return {
    port,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
