/** Starts a single-member etcd on loopback for one control plane. */
import { join } from "node:path";
import { freePort } from "./free-port.js";
import { probe } from "./http-probe.js";
import { type ManagedProcess, startProcess } from "./managed-process.js";
import { waitReady } from "./wait-ready.js";

export interface Etcd {
  process: ManagedProcess;
  url: string;
}

export async function startEtcd(binary: string, dir: string, logDir: string): Promise<Etcd> {
  const url = `http://127.0.0.1:${await freePort()}`;
  const proc = startProcess({
    name: "etcd",
    file: binary,
    args: [
      `--data-dir=${join(dir, "etcd-data")}`,
      `--listen-client-urls=${url}`,
      `--advertise-client-urls=${url}`,
      // Port 0: a single member never talks to peers, and a fixed 2380 would clash between runs.
      "--listen-peer-urls=http://localhost:0",
      // The data is thrown away after the run; skipping fsync makes every write (and startup) faster.
      "--unsafe-no-fsync=true",
      // A lone member still waits out an election timeout before leading; shorter ticks cut ~0.6s from startup.
      "--heartbeat-interval=10",
      "--election-timeout=100",
    ],
    logPath: join(logDir, "etcd.log"),
  });
  try {
    await waitReady(
      proc,
      `${url}/health`,
      async () => (await probe(`${url}/health`))?.body.includes('"health":"true"') === true,
      { timeoutMs: 30_000 },
    );
  } catch (err) {
    await proc.stop(0);
    throw err;
  }
  return { process: proc, url };
}
