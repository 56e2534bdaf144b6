import type { Snapshot } from "../snapshot.js";
import { compileStandalone, type NotReady } from "./compile-standalone.js";
import { snapshotFromDraft } from "./draft-snapshot.js";
import { parseConfigObjects } from "./parse-config-objects.js";
import { readConfigDir } from "./read-config-dir.js";

export interface LoadedConfig {
  snapshot: Snapshot;
  /** Objects the compile left out, and why. */
  notReady: NotReady[];
  files: number;
  /** Documents of kinds standalone mode does not read. */
  ignored: number;
}

/** Reads, validates and compiles a config directory; throws StandaloneConfigError on bad input. */
export async function loadConfigDir(dir: string): Promise<LoadedConfig> {
  const { files, documents } = await readConfigDir(dir);
  const objects = parseConfigObjects(documents);
  const { draft, notReady } = compileStandalone(objects);
  return { snapshot: snapshotFromDraft(draft), notReady, files: files.length, ignored: objects.ignored };
}
