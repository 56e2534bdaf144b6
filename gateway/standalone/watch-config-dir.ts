import { type FSWatcher, watch } from "node:fs";
import { dirSignature } from "./dir-signature.js";
import { isConfigFileName } from "./read-config-dir.js";

export interface WatchOptions {
  /** Quiet time after the last change before reloading: an editor's save is several events. */
  debounceMs?: number;
  /** The fallback for file systems where fs.watch says nothing (network mounts, some containers). */
  pollMs?: number;
  /** false: poll only, where fs.watch is known not to work (and in tests of the poll). */
  fsWatch?: boolean;
  /** The watcher's own failures (fs.watch erroring out); the poll carries on regardless. */
  onWatchError?: (err: Error) => void;
}

export interface DirWatcher {
  close(): void;
}

/**
 * Calls `onChange` when the config files in `dir` change: fs.watch on the directory, plus a
 * periodic poll, both merely prompting a comparison of the directory's signature against the
 * one last reported. The baseline is taken before this resolves, so a change made right
 * after is not missed.
 */
export async function watchConfigDir(
  dir: string,
  onChange: () => void,
  options: WatchOptions = {},
): Promise<DirWatcher> {
  const debounceMs = options.debounceMs ?? 200;
  let last = await dirSignature(dir);
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let checking = Promise.resolve();

  const check = async () => {
    const current = await dirSignature(dir);
    if (closed || current === last) return;
    last = current;
    onChange();
  };
  const prompt = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      checking = checking.then(check);
    }, debounceMs);
  };
  // Writes to unrelated files in the directory say nothing about the config. Names starting
  // with ".." are the links a mounted ConfigMap or Secret swaps when it is updated.
  const onEvent = (_event: string, name: string | null) => {
    if (name === null || isConfigFileName(name) || name.startsWith("..")) prompt();
  };

  let watcher: FSWatcher | undefined;
  try {
    if (options.fsWatch !== false) watcher = watch(dir, { persistent: false }, onEvent);
    watcher?.on("error", (err) => {
      options.onWatchError?.(err);
      watcher?.close();
    });
  } catch (err) {
    if (err instanceof Error) options.onWatchError?.(err);
  }
  // The poll never postpones a reload the watcher already asked for.
  const poll = setInterval(() => {
    if (timer === undefined) prompt();
  }, options.pollMs ?? 2_000);
  poll.unref();

  return {
    close() {
      closed = true;
      clearTimeout(timer);
      clearInterval(poll);
      watcher?.close();
    },
  };
}
