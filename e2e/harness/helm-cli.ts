/** The helm CLI built by e2e/helm/build.sh, with its config, cache and data in a temp dir. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCommand } from "./run-command.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const buildScript = join(root, "e2e", "helm", "build.sh");

export interface HelmCli {
  /** The temp dir helm keeps its config, cache and data in; a test may put scratch files here. */
  home: string;
  /** Runs helm from the repository root; resolves with its stdout. */
  run(args: readonly string[]): Promise<string>;
  /** Removes the temp dir: nothing was read from or left in ~. */
  cleanup(): Promise<void>;
}

/** Runs build.sh (instant when its cache is warm); its last stdout line is the bin directory. */
async function helmBinary(): Promise<string> {
  const { stdout } = await runCommand("bash", [buildScript], { stderr: "inherit" });
  const dir = stdout.trim().split("\n").at(-1)?.trim() ?? "";
  if (dir === "") throw new Error(`${buildScript} printed no bin directory`);
  return join(dir, "helm");
}

export async function createHelmCli(): Promise<HelmCli> {
  const helmPath = await helmBinary();
  const home = await mkdtemp(join(tmpdir(), "kuberelay-helm-"));
  const env = {
    ...process.env,
    HELM_CONFIG_HOME: join(home, "config"),
    HELM_CACHE_HOME: join(home, "cache"),
    HELM_DATA_HOME: join(home, "data"),
  };
  return {
    home,
    run: async (args) => (await runCommand(helmPath, args, { env, cwd: root })).stdout,
    cleanup: () => rm(home, { recursive: true, force: true }),
  };
}
