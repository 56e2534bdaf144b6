import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { dirSignature } from "./dir-signature.js";
import { tempConfigDir, waitFor } from "./testing/config-fixture.js";
import { type DirWatcher, watchConfigDir } from "./watch-config-dir.js";

const open: Array<{ watcher: DirWatcher; cleanup(): Promise<void> }> = [];
afterEach(async () => {
  for (const { watcher, cleanup } of open.splice(0)) {
    watcher.close();
    await cleanup();
  }
});

async function watched(pollMs = 60_000) {
  const { dir, cleanup } = await tempConfigDir({ "a.yaml": "kind: A\n" });
  let changes = 0;
  const watcher = await watchConfigDir(dir, () => changes++, { debounceMs: 30, pollMs });
  open.push({ watcher, cleanup });
  return { dir, changes: () => changes };
}

describe("dirSignature", () => {
  it("changes with config files only", async () => {
    const { dir, cleanup } = await tempConfigDir({ "a.yaml": "kind: A\n" });
    try {
      const before = await dirSignature(dir);
      await writeFile(join(dir, "notes.txt"), "x");
      expect(await dirSignature(dir)).toBe(before);
      await writeFile(join(dir, "a.yaml"), "kind: AA\n");
      expect(await dirSignature(dir)).not.toBe(before);
      expect(await dirSignature(join(dir, "gone"))).toBe("unreadable:ENOENT");
    } finally {
      await cleanup();
    }
  });
});

describe("watchConfigDir", () => {
  it("reports an edit once, after the writes settle", async () => {
    const { dir, changes } = await watched();
    await writeFile(join(dir, "a.yaml"), "kind: A\nx: 1\n");
    await writeFile(join(dir, "a.yaml"), "kind: A\nx: 2\n");
    await waitFor(() => changes() === 1);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(changes()).toBe(1);
  });

  it("sees a file replaced by rename, as editors save", async () => {
    const { dir, changes } = await watched();
    await writeFile(join(dir, ".a.yaml.tmp"), "kind: B\n");
    await rename(join(dir, ".a.yaml.tmp"), join(dir, "a.yaml"));
    await waitFor(() => changes() === 1);
  });

  it("ignores files that are not config", async () => {
    const { dir, changes } = await watched();
    await writeFile(join(dir, "notes.txt"), "x");
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(changes()).toBe(0);
  });

  it("falls back on polling when fs.watch says nothing", async () => {
    const { dir, cleanup } = await tempConfigDir({ "a.yaml": "kind: A\n" });
    let changes = 0;
    const watcher = await watchConfigDir(dir, () => changes++, {
      debounceMs: 10,
      pollMs: 50,
      fsWatch: false,
    });
    open.push({ watcher, cleanup });
    await writeFile(join(dir, "b.yml"), "kind: B\n");
    await waitFor(() => changes === 1);
    expect(changes).toBe(1);
  });
});
