/**
 * Locates (building on first use) the node's binaries and base images: e2e/k8s-node/build.sh and
 * images.sh cache them by version, like the control plane. A failure throws rather than skipping.
 */
import { access, constants } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCommand } from "../../harness/run-command.js";

export interface NodeBinaries {
  kubelet: string;
  kubeScheduler: string;
  kubeProxy: string;
  containerd: string;
  /** Holds containerd-shim-runc-v2, which containerd finds on PATH. */
  shimDir: string;
  ctr: string;
  runc: string;
  cniBinDir: string;
}

export interface ImageArchive {
  ref: string;
  archive: string;
}

export interface NodeImages {
  pause: ImageArchive;
  coredns: ImageArchive;
}

const scriptsDir = fileURLToPath(new URL("../../k8s-node/", import.meta.url));

async function lastLine(script: string): Promise<string> {
  try {
    const { stdout } = await runCommand("bash", [join(scriptsDir, script)], { stderr: "inherit" });
    return stdout.trim().split("\n").at(-1)?.trim() ?? "";
  } catch (err) {
    throw new Error(`e2e/k8s-node/${script} failed (run it by hand to see why): ${String(err)}`);
  }
}

async function executable(path: string): Promise<string> {
  await access(path, constants.X_OK).catch(() => {
    throw new Error(`${path} is missing or not executable; e2e/k8s-node/build.sh should have made it`);
  });
  return path;
}

export async function nodeBinaries(): Promise<NodeBinaries> {
  const dir = await lastLine("build.sh");
  const bin = (name: string) => executable(join(dir, name));
  const [kubelet = "", kubeScheduler = "", kubeProxy = "", containerd = "", ctr = "", runc = ""] =
    await Promise.all(["kubelet", "kube-scheduler", "kube-proxy", "containerd", "ctr", "runc"].map(bin));
  await Promise.all(
    ["containerd-shim-runc-v2", "cni/bridge", "cni/host-local", "cni/loopback", "cni/portmap"].map(bin),
  );
  return {
    kubelet,
    kubeScheduler,
    kubeProxy,
    containerd,
    shimDir: dir,
    ctr,
    runc,
    cniBinDir: join(dir, "cni"),
  };
}

/** images.sh prints key=value lines: pause_image, pause_archive, coredns_image, coredns_archive. */
export async function nodeImages(): Promise<NodeImages> {
  const { stdout } = await runCommand("bash", [join(scriptsDir, "images.sh")], { stderr: "inherit" });
  const values = new Map(
    stdout
      .split("\n")
      .map((line) => line.trim().split("="))
      .filter((kv): kv is [string, string] => kv.length === 2),
  );
  const image = (name: string): ImageArchive => {
    const ref = values.get(`${name}_image`);
    const archive = values.get(`${name}_archive`);
    if (ref === undefined || archive === undefined) throw new Error(`images.sh printed no ${name} image`);
    return { ref, archive };
  };
  return { pause: image("pause"), coredns: image("coredns") };
}

const imageScript = fileURLToPath(new URL("../../../image/archive.sh", import.meta.url));

/** The kuberelay image, built from the Dockerfile and saved for containerd (image/archive.sh). */
export async function kuberelayImage(): Promise<ImageArchive> {
  const { stdout } = await runCommand("bash", [imageScript], { stderr: "inherit" });
  const [ref, archive] = (stdout.trim().split("\n").at(-1) ?? "").split(" ");
  if (ref === undefined || archive === undefined) throw new Error(`${imageScript} printed no image`);
  return { ref, archive };
}
