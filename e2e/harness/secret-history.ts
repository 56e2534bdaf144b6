/**
 * Every value every Secret of the cluster has held during a run, for the leak scan: a relay key
 * rotated out, or deleted with its RelayKey, must still never show up anywhere afterwards, and
 * tests read keys in many ways. One `kubectl get secrets --watch`, started again whenever it ends
 * (an API server restart breaks it) until close().
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { ControlPlane } from "./control-plane.js";
import { controlPlaneBinaries } from "./control-plane-binaries.js";
import { registerExitCleanup } from "./exit-cleanup.js";

export interface SecretVersion {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** Decoded data. */
  data: Record<string, string>;
}

export interface SecretHistory {
  /** Every version seen, oldest first. */
  versions(): readonly SecretVersion[];
  close(): Promise<void>;
}

interface WatchedSecret {
  metadata?: { namespace?: string; name?: string; labels?: Record<string, string> };
  data?: Record<string, string>;
}

export async function watchSecretHistory(cp: ControlPlane): Promise<SecretHistory> {
  const { kubectl } = await controlPlaneBinaries();
  const seen: SecretVersion[] = [];
  let closed = false;
  let child: ChildProcess | undefined;
  let ended: Promise<void> = Promise.resolve();

  const remember = (json: string) => {
    let s: WatchedSecret;
    try {
      s = JSON.parse(json) as WatchedSecret;
    } catch {
      return;
    }
    const data = Object.fromEntries(
      Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]),
    );
    seen.push({
      namespace: s.metadata?.namespace ?? "",
      name: s.metadata?.name ?? "",
      labels: s.metadata?.labels ?? {},
      data,
    });
  };

  const start = () => {
    const proc = spawn(
      kubectl,
      [
        `--kubeconfig=${cp.kubeconfigPath}`,
        `--cache-dir=${join(cp.dir, "kubectl-cache")}`,
        "get",
        "secrets",
        "-A",
        "--watch",
        "-o",
        "json",
      ],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    child = proc;
    const unregister = registerExitCleanup(() => proc.kill("SIGKILL"));
    // kubectl prints each object as indented JSON whose closing brace is alone on a line.
    let buffer = "";
    createInterface({ input: proc.stdout }).on("line", (line) => {
      buffer += `${line}\n`;
      if (line !== "}") return;
      remember(buffer);
      buffer = "";
    });
    ended = new Promise((resolve) => {
      proc.on("exit", () => {
        unregister();
        resolve();
        if (!closed) setTimeout(() => closed || start(), 500).unref();
      });
      proc.on("error", () => resolve());
    });
  };
  start();

  return {
    versions: () => seen,
    async close() {
      closed = true;
      child?.kill("SIGTERM");
      await ended;
    },
  };
}
