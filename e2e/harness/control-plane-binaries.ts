/** Locates (building on first use) the kube-apiserver, kube-controller-manager, kubectl and etcd binaries. */
import { access, constants } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCommand } from "./run-command.js";

export interface ControlPlaneBinaries {
  dir: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubectl: string;
  etcd: string;
}

const buildScript = fileURLToPath(new URL("../controlplane/build.sh", import.meta.url));

/**
 * Runs build.sh, which returns at once when the versioned cache is warm. A failure throws rather
 * than skipping: an e2e suite that silently skips looks green while testing nothing.
 */
export async function controlPlaneBinaries(): Promise<ControlPlaneBinaries> {
  let stdout: string;
  try {
    // stderr is inherited so a cold build (many minutes) shows its progress instead of looking hung.
    ({ stdout } = await runCommand("bash", [buildScript], { stderr: "inherit" }));
  } catch (err) {
    throw new Error(
      `building the control plane with ${buildScript} failed (needs Go; run it by hand to see why): ${String(err)}`,
    );
  }
  const dir = stdout.trim().split("\n").at(-1)?.trim() ?? "";
  if (dir === "") throw new Error(`${buildScript} printed no bin directory`);
  const binaries: ControlPlaneBinaries = {
    dir,
    kubeApiserver: join(dir, "kube-apiserver"),
    kubeControllerManager: join(dir, "kube-controller-manager"),
    kubectl: join(dir, "kubectl"),
    etcd: join(dir, "etcd"),
  };
  for (const path of [
    binaries.kubeApiserver,
    binaries.kubeControllerManager,
    binaries.kubectl,
    binaries.etcd,
  ]) {
    await access(path, constants.X_OK).catch(() => {
      throw new Error(`${buildScript} reported ${dir} but ${path} is missing or not executable`);
    });
  }
  return binaries;
}
