import { readFile, stat } from "node:fs/promises";
import { createSecureContext } from "node:tls";
import type { Logger } from "../common/log.js";

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
}

export interface TlsSnapshot {
  material: TlsMaterial;
  /** Identity of the files as read; a different stamp means they were replaced. */
  stamp: string;
}

export class TlsLoadError extends Error {
  override readonly name = "TlsLoadError";
}

/**
 * Stats both files before reading them: if they change in between, the next poll sees a new stamp and reads
 * again, so a rotation is never missed.
 */
export async function readTlsSnapshot(files: TlsFiles): Promise<TlsSnapshot> {
  const stamp = await stampOf(files);
  const [cert, key] = await Promise.all([readFile(files.certFile), readFile(files.keyFile)]);
  try {
    // Catches a half-written file or a key that does not match the certificate before it is served.
    createSecureContext({ cert, key });
  } catch (cause) {
    throw new TlsLoadError(`TLS certificate ${files.certFile} and key ${files.keyFile} are not usable`, {
      cause,
    });
  }
  return { material: { cert, key }, stamp };
}

async function stampOf(files: TlsFiles): Promise<string> {
  try {
    const stats = await Promise.all([stat(files.certFile), stat(files.keyFile)]);
    return stats.map((s) => `${s.ino}:${s.size}:${s.mtimeMs}`).join("|");
  } catch (cause) {
    throw new TlsLoadError(`cannot read TLS files ${files.certFile}, ${files.keyFile}`, { cause });
  }
}

export interface TlsWatchOptions {
  intervalMs: number;
  logger: Logger;
  onReload: (material: TlsMaterial) => void;
}

export interface TlsWatcher {
  close(): void;
}

/**
 * Polls rather than using fs.watch: Secret volumes rotate by swapping a symlinked directory, which watchers
 * on the file paths do not reliably report. A bad new pair is refused and the last good one keeps serving.
 */
export function watchTlsFiles(files: TlsFiles, baselineStamp: string, options: TlsWatchOptions): TlsWatcher {
  let current = baselineStamp;
  let lastFailure = "";
  let busy = false;
  const poll = async () => {
    if (busy) return;
    busy = true;
    try {
      if ((await stampOf(files)) === current) return;
      const snapshot = await readTlsSnapshot(files);
      options.onReload(snapshot.material);
      current = snapshot.stamp;
      lastFailure = "";
      options.logger.info("tls reloaded", { certFile: files.certFile });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // Retried every poll until it succeeds; logged once per distinct failure.
      if (message !== lastFailure) options.logger.warn("tls reload failed", { error });
      lastFailure = message;
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void poll(), options.intervalMs);
  timer.unref();
  return { close: () => clearInterval(timer) };
}
