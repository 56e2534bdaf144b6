/** Runs a short-lived CLI (openssl, kubectl, build scripts) and collects its output. */
import { spawn } from "node:child_process";
import { basename } from "node:path";

export interface CommandResult {
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to the command's stdin, which is then closed. */
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where the command's stderr goes; "inherit" shows progress of long builds live. */
  stderr?: "pipe" | "inherit";
}

/** Carries the full output so callers can assert on e.g. "Forbidden" without parsing the message. */
export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`${command} exited with ${exitCode === null ? "a signal" : `code ${exitCode}`}: ${stderr.trim()}`);
    this.name = "CommandError";
  }
}

export function runCommand(
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<CommandResult> {
  const command = `${basename(file)} ${args.join(" ")}`;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", options.stderr ?? "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", (err) => reject(new CommandError(command, null, stdout, `${err.message}\n${stderr}`)));
    child.on("close", (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else reject(new CommandError(command, code, stdout, stderr));
    });
    // A command that exits without reading stdin would otherwise crash us with EPIPE.
    child.stdin?.on("error", () => {});
    child.stdin?.end(options.input ?? "");
  });
}
