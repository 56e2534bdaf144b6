/**
 * The node's cgroup parent in every cgroup v1 hierarchy (this machine mounts them one per
 * controller, plus name=systemd and a cgroup2 `unified`). The kubelet puts `kubepods` beneath it
 * and runc each container beneath that; removing the parent removes everything the node made.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

const cgroupRoot = "/sys/fs/cgroup";

/** Mount points of the hierarchies, from /proc/self/mountinfo. */
async function hierarchies(): Promise<string[]> {
  const mountinfo = await readFile("/proc/self/mountinfo", "utf8");
  return mountinfo
    .split("\n")
    .map((line) => line.split(" "))
    .filter((fields) => {
      const dash = fields.indexOf("-");
      return dash > 0 && (fields[dash + 1] === "cgroup" || fields[dash + 1] === "cgroup2");
    })
    .map((fields) => fields[4] ?? "")
    .filter((mountPoint) => mountPoint.startsWith(`${cgroupRoot}/`));
}

/** cpuset refuses tasks in a v1 cgroup whose cpus and mems are empty, which a new one's are. */
async function inheritCpuset(dir: string): Promise<void> {
  for (const file of ["cpuset.cpus", "cpuset.mems"]) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    await writeFile(path, await readFile(join(dir, "..", file), "utf8"));
  }
}

export async function createNodeCgroups(name: string): Promise<void> {
  for (const hierarchy of await hierarchies()) {
    const dir = join(hierarchy, name);
    await mkdir(dir, { recursive: true });
    await inheritCpuset(dir);
  }
}
