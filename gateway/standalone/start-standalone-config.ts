import type { Logger } from "../../common/log.js";
import type { Snapshot } from "../snapshot.js";
import type { StandaloneConfigError } from "./config-error.js";
import { type ConfigProblem, objectLabel } from "./config-problem.js";
import { type CheckedConfigDir, checkConfigDir, type LoadedConfig } from "./load-config-dir.js";
import { watchConfigDir } from "./watch-config-dir.js";

export interface StandaloneConfigOptions {
  /** The directory of custom-resource and Secret YAML/JSON files. */
  dir: string;
  /** Each good config, whole; the first one before the returned promise resolves. */
  onSnapshot(snapshot: Snapshot): void;
  /** A reload that failed; the previous snapshot stays in service. */
  onRefused(err: Error): void;
  /** After every load, applied or refused: the directory's problems now (none when all is well). */
  onProblems?(problems: readonly ConfigProblem[]): void;
  log: Logger;
  /** For tests; see watchConfigDir. */
  debounceMs?: number;
  pollMs?: number;
}

export interface StandaloneConfig {
  stop(): Promise<void>;
}

function logApplied(log: Logger, dir: string, loaded: LoadedConfig): void {
  const { snapshot } = loaded;
  log.info("config applied", {
    configDir: dir,
    generation: snapshot.generation,
    files: loaded.files,
    keys: snapshot.keys.size,
    policies: snapshot.policies.size,
    providers: snapshot.providers.size,
    ...(loaded.ignored > 0 ? { ignored: loaded.ignored } : {}),
  });
}

/**
 * There is no status to write in standalone mode: the log is where problems show, one error
 * line each, the same list `kuberelay validate` prints.
 */
function logProblems(log: Logger, dir: string, problems: readonly ConfigProblem[]): void {
  for (const p of problems) {
    log.error("config problem", {
      configDir: dir,
      file: p.file,
      ...(p.document === undefined ? {} : { document: p.document }),
      ...(p.object ? { object: objectLabel(p.object) } : {}),
      ...(p.field === undefined ? {} : { field: p.field }),
      reason: p.reason,
      message: p.message,
    });
  }
}

const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));

/**
 * Standalone mode's config source: compiles the files in `dir` in-process, then reloads
 * them whenever they change. Resolves after the first load; rejects if that load fails, so
 * the process exits with the reason rather than serving nothing.
 */
export async function startStandaloneConfig(opts: StandaloneConfigOptions): Promise<StandaloneConfig> {
  const { dir, log } = opts;
  let reloading = Promise.resolve();
  let pending = false;
  let stopped = false;

  /** Applies a checked directory, or reports its refusal; returns the refusal, if any. */
  const apply = (checked: CheckedConfigDir): StandaloneConfigError | undefined => {
    logProblems(log, dir, checked.problems);
    opts.onProblems?.(checked.problems);
    if (checked.loaded) {
      logApplied(log, dir, checked.loaded);
      opts.onSnapshot(checked.loaded.snapshot);
      return undefined;
    }
    return checked.refused;
  };
  const reload = async () => {
    if (stopped) return;
    try {
      const refused = apply(await checkConfigDir(dir));
      if (!refused) return;
      log.error("config refused; keeping the last good config", {
        configDir: dir,
        problems: refused.problems.length,
      });
      opts.onRefused(refused);
    } catch (err) {
      log.error("config refused; keeping the last good config", { configDir: dir, error: asError(err) });
      opts.onRefused(asError(err));
    }
  };
  // Reloads run one at a time; changes made during one fold into a single next reload.
  const requestReload = () => {
    if (pending) return;
    pending = true;
    reloading = reloading.then(() => {
      pending = false;
      return reload();
    });
  };

  // Watch first: a change between the first read and the watch would otherwise go unseen.
  const watcher = await watchConfigDir(dir, requestReload, {
    ...(opts.debounceMs === undefined ? {} : { debounceMs: opts.debounceMs }),
    ...(opts.pollMs === undefined ? {} : { pollMs: opts.pollMs }),
    onWatchError: (err) => log.warn("watching the config directory failed; polling only", { error: err }),
  });
  const stop = async () => {
    stopped = true;
    watcher.close();
    await reloading;
  };
  // Reloads queue behind the first load, so an older config can never replace a newer one.
  const first = checkConfigDir(dir).then((checked) => {
    const refused = apply(checked);
    if (refused) throw refused;
  });
  reloading = first.catch(() => undefined);
  try {
    await first;
  } catch (err) {
    await stop();
    throw asError(err);
  }
  return { stop };
}
