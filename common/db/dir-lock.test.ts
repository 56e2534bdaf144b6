import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { lockDataDir } from "./dir-lock.js";

describe("lockDataDir", () => {
  const dir = mkdtempSync(join(tmpdir(), "kuberelay-lock-"));
  afterEach(() => rmSync(join(dir, "kuberelay.lock"), { force: true }));

  it("lets one process hold a data directory and refuses a second", () => {
    const held = lockDataDir(dir, process.pid);
    // Our parent is alive: a lock it held is in use.
    writeFileSync(join(dir, "kuberelay.lock"), String(process.ppid));
    expect(() => lockDataDir(dir, process.pid)).toThrow(`in use by process ${process.ppid}`);
    held.release();
  });

  it("takes over a lock left by a process that died, and releases it", () => {
    writeFileSync(join(dir, "kuberelay.lock"), "2147483646");
    const held = lockDataDir(dir, process.pid);
    expect(readFileSync(join(dir, "kuberelay.lock"), "utf8")).toBe(String(process.pid));
    held.release();
    expect(() => readFileSync(join(dir, "kuberelay.lock"))).toThrow();
  });

  it("takes over a lock file that holds no pid", () => {
    writeFileSync(join(dir, "kuberelay.lock"), "garbage");
    expect(() => lockDataDir(dir, process.pid).release()).not.toThrow();
  });
});
