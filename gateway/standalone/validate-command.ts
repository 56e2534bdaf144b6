import { parseArgs } from "node:util";
import { formatProblem } from "./config-problem.js";
import { checkConfigDir } from "./load-config-dir.js";

export const validateUsage = `kuberelay validate --config-dir DIR
  checks a standalone config directory as the gateway loads it: prints one line per problem
  (file: Kind namespace/name: field: message) and exits 1 if there is any, 0 if none`;

export interface ValidateOutput {
  /** One line per problem, nothing else: scripts and editors can read it. */
  out(line: string): void;
  /** The summary and usage. */
  err(line: string): void;
}

const processOutput: ValidateOutput = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
};

/** Exit codes: 0 no problem, 1 problems found, 2 bad usage. */
export async function runValidate(args: string[], { out, err } = processOutput): Promise<number> {
  let dir: string | undefined;
  try {
    dir = parseArgs({ args, options: { "config-dir": { type: "string" } } }).values["config-dir"];
  } catch (e) {
    err(e instanceof Error ? e.message : String(e));
  }
  if (!dir) {
    err(validateUsage);
    return 2;
  }
  // The gateway's own load, so validate and the gateway never disagree on a problem.
  const checked = await checkConfigDir(dir);
  for (const p of checked.problems) out(formatProblem(p));
  const { loaded, problems } = checked;
  if (!loaded) {
    err(`${problems.length} problem(s); the gateway would refuse this directory`);
    return 1;
  }
  if (problems.length > 0) {
    err(`${problems.length} problem(s); the gateway would serve the rest`);
    return 1;
  }
  const { snapshot, files } = loaded;
  const counts = `${files} files, ${snapshot.keys.size} keys, ${snapshot.policies.size} policies, ${snapshot.providers.size} providers`;
  err(`${dir}: no problems (${counts})`);
  return 0;
}
