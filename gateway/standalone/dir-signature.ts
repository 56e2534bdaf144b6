import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { isConfigFileName } from "./read-config-dir.js";

/**
 * A cheap fingerprint of the config files in `dir`: names, sizes, mtimes and inodes (an
 * editor's save-by-rename keeps size and may keep mtime, but not the inode). Comparing two
 * tells whether a reload could see anything new. An unreadable directory has its own
 * signature, so that losing it, and getting it back, both count as changes.
 */
export async function dirSignature(dir: string): Promise<string> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter(isConfigFileName).sort();
  } catch (err) {
    return `unreadable:${err instanceof Error && "code" in err ? String(err.code) : "unknown"}`;
  }
  const parts: string[] = [];
  for (const name of names) {
    const info = await stat(join(dir, name)).catch(() => undefined);
    parts.push(info ? `${name}:${info.size}:${info.mtimeMs}:${info.ino}` : `${name}:gone`);
  }
  return parts.join("\n");
}
