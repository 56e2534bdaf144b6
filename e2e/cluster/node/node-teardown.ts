/**
 * Removes everything a node run made: its processes (node agents in the network namespace, and
 * containers, which live in Pod namespaces but inside the node's cgroups), its namespaces with the
 * bridges, veths, iptables rules and mounts in them, its cgroups and its directory. Synchronous, so
 * it can also run from an exit handler, and idempotent, so a later run can finish a killed one's.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { netnsPrefix } from "./node-namespaces.js";

export interface NodeRun {
  runId: string;
  /** The network namespace's name; also the cgroup parent's and the directory's. */
  name: string;
  dir: string;
}

export function nodeRun(runId: string): NodeRun {
  const name = `${netnsPrefix}${runId}`;
  return { runId, name, dir: join(tmpdir(), name) };
}

const cgroupMounts = "/sys/fs/cgroup";

function quiet(file: string, args: readonly string[]): string {
  try {
    return execFileSync(file, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return "";
  }
}

function cgroupDirs(name: string): string[] {
  if (!existsSync(cgroupMounts)) return [];
  return readdirSync(cgroupMounts)
    .map((hierarchy) => join(cgroupMounts, hierarchy, name))
    .filter((dir) => existsSync(dir));
}

function walk(dir: string, visit: (dir: string) => void): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) walk(join(dir, entry.name), visit);
  }
  visit(dir);
}

function pidsIn(run: NodeRun): Set<number> {
  const pids = new Set<number>();
  const add = (text: string) => {
    for (const line of text.split("\n")) if (/^\d+$/.test(line.trim())) pids.add(Number(line.trim()));
  };
  add(quiet("ip", ["netns", "pids", run.name]));
  for (const dir of cgroupDirs(run.name)) {
    walk(dir, (d) => {
      const procs = join(d, "cgroup.procs");
      if (existsSync(procs)) add(readFileSync(procs, "utf8"));
    });
  }
  pids.delete(process.pid);
  return pids;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function killAll(run: NodeRun): void {
  for (let round = 0; round < 50; round++) {
    const pids = pidsIn(run);
    if (pids.size === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    sleepSync(100);
  }
}

function removeCgroups(run: NodeRun): void {
  for (const dir of cgroupDirs(run.name)) {
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        walk(dir, (d) => rmdirSync(d));
        break;
      } catch {
        // EBUSY until the last killed task has left; anything else shows in the leftovers check.
        sleepSync(100);
      }
    }
  }
}

export function teardownNode(run: NodeRun): void {
  killAll(run);
  const nsDir = join(run.dir, "ns");
  quiet("umount", [join(nsDir, "mnt")]);
  quiet("umount", [nsDir]);
  quiet("ip", ["netns", "del", run.name]);
  removeCgroups(run);
  rmSync(run.dir, { recursive: true, force: true, maxRetries: 3 });
}

/** What is still there after a teardown, for a test that checks a run cleans up after itself. */
export function nodeLeftovers(run: NodeRun): string[] {
  const left: string[] = [];
  if (quiet("ip", ["netns", "list"]).includes(run.name)) left.push(`network namespace ${run.name}`);
  for (const dir of cgroupDirs(run.name)) left.push(`cgroup ${dir}`);
  if (existsSync(run.dir)) left.push(`directory ${run.dir}`);
  const mounts = readFileSync("/proc/self/mountinfo", "utf8");
  if (mounts.includes(run.dir)) left.push(`mounts under ${run.dir}`);
  for (const pid of pidsIn(run)) left.push(`process ${pid}`);
  return left;
}

function ownerAlive(run: NodeRun): boolean {
  try {
    const owner = Number(readFileSync(join(run.dir, "owner.pid"), "utf8"));
    if (!Number.isInteger(owner) || owner <= 0) return false;
    process.kill(owner, 0);
    return true;
  } catch {
    return false;
  }
}

function abandonedNames(): Set<string> {
  const names = new Set<string>();
  const add = (name: string) => {
    if (name.startsWith(netnsPrefix)) names.add(name);
  };
  for (const line of quiet("ip", ["netns", "list"]).split("\n")) add(line.split(" ")[0] ?? "");
  for (const entry of readdirSync(tmpdir())) add(entry);
  if (existsSync(cgroupMounts)) {
    for (const hierarchy of readdirSync(cgroupMounts)) {
      const dir = join(cgroupMounts, hierarchy);
      if (statSync(dir).isDirectory()) for (const entry of readdirSync(dir)) add(entry);
    }
  }
  return names;
}

/**
 * Finishes the teardown of runs whose owner died (a killed test process, a crashed CI job): a new
 * run then starts on a clean machine. A run whose owner lives is another test's, and is left alone.
 */
export function sweepAbandonedNodes(): string[] {
  const swept: string[] = [];
  for (const name of abandonedNames()) {
    const run = nodeRun(name.slice(netnsPrefix.length));
    if (ownerAlive(run)) continue;
    teardownNode(run);
    swept.push(name);
  }
  return swept;
}
