/**
 * The Node flags the image runs kuberelay with: those between `node` and the script in the
 * Dockerfile's ENTRYPOINT. The benchmark runs its kuberelay contestants with the same, so the
 * figures are those of what ships.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../harness/kuberelay-process.js";

export function entrypointNodeFlags(dockerfile: string): string[] {
  const line = dockerfile.split("\n").find((l) => l.startsWith("ENTRYPOINT "));
  if (line === undefined) throw new Error("the Dockerfile has no ENTRYPOINT");
  const argv: unknown = JSON.parse(line.slice("ENTRYPOINT ".length));
  if (!Array.isArray(argv) || argv[0] !== "node" || !argv.every((a) => typeof a === "string"))
    throw new Error(`the Dockerfile's ENTRYPOINT is not ["node", ...]: ${line}`);
  const script = argv.findIndex((a: string, i) => i > 0 && !a.startsWith("-"));
  return (argv as string[]).slice(1, script === -1 ? undefined : script);
}

export const imageNodeFlags = (): string[] =>
  entrypointNodeFlags(readFileSync(join(repoRoot, "Dockerfile"), "utf8"));
