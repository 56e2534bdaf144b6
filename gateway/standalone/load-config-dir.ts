import type { Snapshot } from "../snapshot.js";
import { compileStandalone } from "./compile-standalone.js";
import { StandaloneConfigError } from "./config-error.js";
import type { ConfigProblem } from "./config-problem.js";
import { snapshotFromDraft } from "./draft-snapshot.js";
import { parseConfigObjects } from "./parse-config-objects.js";
import { readConfigDir } from "./read-config-dir.js";

export interface LoadedConfig {
  snapshot: Snapshot;
  /** What the compile left out (objects, route targets), and why. */
  problems: ConfigProblem[];
  files: number;
  /** Documents of kinds standalone mode does not read. */
  ignored: number;
}

/** Reads, validates and compiles a config directory; throws StandaloneConfigError on bad input. */
export async function loadConfigDir(dir: string): Promise<LoadedConfig> {
  const { files, documents } = await readConfigDir(dir);
  const objects = parseConfigObjects(documents);
  const { draft, problems } = compileStandalone(objects);
  return { snapshot: snapshotFromDraft(draft), problems, files: files.length, ignored: objects.ignored };
}

/**
 * A config directory checked: a config to serve, or none when a problem refuses the whole
 * directory (a file that does not parse, an object its schema refuses). `problems` lists
 * both kinds: `kuberelay validate` prints it, the standalone gateway logs it.
 */
export type CheckedConfigDir =
  | { loaded: LoadedConfig; problems: readonly ConfigProblem[] }
  | { loaded?: undefined; refused: StandaloneConfigError; problems: readonly ConfigProblem[] };

/** loadConfigDir, with the refusal as a value; any other error (a bug) still throws. */
export async function checkConfigDir(dir: string): Promise<CheckedConfigDir> {
  try {
    const loaded = await loadConfigDir(dir);
    return { loaded, problems: loaded.problems };
  } catch (err) {
    if (!(err instanceof StandaloneConfigError)) throw err;
    return { refused: err, problems: err.problems };
  }
}
