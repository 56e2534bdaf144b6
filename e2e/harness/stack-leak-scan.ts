/**
 * The leak scan a stack runs when it stops (issue #9): every secret the run handed kuberelay or
 * kuberelay issued, looked for in every process's output and log, every response a test received,
 * each process's ops endpoints (/metrics, /readyz, /statusz), all Events, and the status of every
 * kuberelay object. Status only: spec names Secrets by design, status must never carry them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { LABEL_RELAY_KEY, PREVIOUS_RELAY_KEY_SECRET_KEY, RELAY_KEY_SECRET_KEY } from "../../common/names.js";
import type { Produced } from "./canary.js";
import type { ResponseRecorder } from "./captured-responses.js";
import type { ControlPlane } from "./control-plane.js";
import type { KuberelayProcess } from "./kuberelay-process.js";
import type { SecretCanaries } from "./secret-canaries.js";

export interface LeakScanTarget {
  cp: ControlPlane;
  canaries: SecretCanaries;
  /** Every kuberelay process of the run, stopped or not. */
  processes: readonly KuberelayProcess[];
  responses: ResponseRecorder;
  /** Origins that are not kuberelay (the API server, which returns Secrets; the mock provider). */
  notKuberelay: readonly string[];
}

export interface LeakScanSummary {
  secrets: number;
  texts: number;
  bytes: number;
}

interface KubeList<T> {
  items: T[];
}

interface KubeObject {
  kind?: string;
  metadata: { namespace?: string; name: string; labels?: Record<string, string> };
}

type SecretObject = KubeObject & { data?: Record<string, string> };
type Selector = { name: string; key: string };
type RelayKeyObject = KubeObject & { spec?: { secretRef?: Selector } };
type ProviderKeyObject = KubeObject & { spec?: { credentials?: { secretKeyRef?: Selector } } };

const KUBERELAY_KINDS = "relaykeys.kuberelay.dev,providerkeys.kuberelay.dev,policies.kuberelay.dev";

async function getJson<T>(cp: ControlPlane, args: string[]): Promise<T> {
  return JSON.parse((await cp.kubectl(["get", ...args, "-o", "json"])).stdout) as T;
}

const idOf = (o: KubeObject) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`;

/**
 * Adds the secrets the cluster holds now: relay keys the operator generated (and the previous key
 * during a grace period), keys RelayKeys bring by secretRef, and every ProviderKey's credential.
 */
export async function sweepClusterSecrets(cp: ControlPlane, canaries: SecretCanaries): Promise<void> {
  const secrets = await getJson<KubeList<SecretObject>>(cp, ["secrets", "-A"]);
  const byId = new Map(secrets.items.map((s) => [idOf(s), s]));
  const value = (namespace: string | undefined, ref: Selector) => {
    const b64 = byId.get(`${namespace ?? ""}/${ref.name}`)?.data?.[ref.key];
    return b64 === undefined ? undefined : Buffer.from(b64, "base64").toString("utf8");
  };
  for (const s of secrets.items) {
    if (s.metadata.labels?.[LABEL_RELAY_KEY] === undefined) continue;
    for (const field of [RELAY_KEY_SECRET_KEY, PREVIOUS_RELAY_KEY_SECRET_KEY]) {
      const key = value(s.metadata.namespace, { name: s.metadata.name, key: field });
      if (key) canaries.addRelayKey(`relay key ${idOf(s)}[${field}]`, key, true);
    }
  }
  const [relayKeys, providerKeys] = await Promise.all([
    getJson<KubeList<RelayKeyObject>>(cp, ["relaykeys.kuberelay.dev", "-A"]),
    getJson<KubeList<ProviderKeyObject>>(cp, ["providerkeys.kuberelay.dev", "-A"]),
  ]);
  for (const rk of relayKeys.items) {
    const ref = rk.spec?.secretRef;
    const key = ref && value(rk.metadata.namespace, ref);
    if (key) canaries.addRelayKey(`relay key of RelayKey ${idOf(rk)} (secretRef)`, key, false);
  }
  for (const pk of providerKeys.items) {
    const ref = pk.spec?.credentials?.secretKeyRef;
    const credential = ref && value(pk.metadata.namespace, ref);
    if (credential) canaries.addCredential(`credential of ProviderKey ${idOf(pk)}`, credential);
  }
}

const isRunning = (p: KuberelayProcess) => {
  try {
    process.kill(p.pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The ops port a process logged last (gateway and webhook "listening", operator "started"). */
function opsPort(p: KuberelayProcess): number | undefined {
  const line = p.lines.findLast((l) => l.metricsPort !== undefined);
  const port = Number(line?.metricsPort);
  return Number.isInteger(port) && port > 0 ? port : undefined;
}

async function opsEndpoints(p: KuberelayProcess): Promise<Produced> {
  const port = opsPort(p);
  if (port === undefined || !isRunning(p)) return [];
  const produced: Produced = [];
  for (const path of ["/metrics", "/readyz", "/statusz"]) {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5_000) }).catch(
      () => undefined,
    );
    if (!res || res.status === 404) {
      await res?.arrayBuffer();
      continue;
    }
    produced.push({ source: `${p.name} ${path}`, text: await res.text() });
  }
  return produced;
}

/** What can only be read while the stack runs: ops endpoints, Events, kuberelay statuses. */
export async function collectLive(
  cp: ControlPlane,
  processes: readonly KuberelayProcess[],
): Promise<Produced> {
  const ops = (await Promise.all(processes.map(opsEndpoints))).flat();
  const events = await cp.kubectl(["get", "events", "-A", "-o", "json"]);
  const objects = await getJson<KubeList<KubeObject & { status?: unknown }>>(cp, [KUBERELAY_KINDS, "-A"]);
  const statuses = objects.items
    .filter((o) => o.status !== undefined)
    .map((o) => ({ source: `status of ${o.kind} ${idOf(o)}`, text: JSON.stringify(o.status) }));
  return [...ops, { source: "Events", text: events.stdout }, ...statuses];
}

/** Every log file of the run: the control plane's and each kuberelay process's as written to disk. */
function logFiles(logDir: string): Produced {
  let names: string[];
  try {
    names = readdirSync(logDir);
  } catch {
    return [];
  }
  return names.map((name) => ({ source: `log ${name}`, text: readFileSync(join(logDir, name), "utf8") }));
}

/**
 * Collects what needs the running stack, then `stopProcesses` (always, even when collecting
 * failed), then scans everything including the final output of every process. Throws on any
 * hit, or when the live part could not be collected. Call before the control plane is stopped:
 * its logs are read from its temp dir.
 */
export async function scanStackForLeaks(
  t: LeakScanTarget,
  stopProcesses: () => Promise<void>,
): Promise<LeakScanSummary> {
  let live: Produced = [];
  let collectError: unknown;
  try {
    await sweepClusterSecrets(t.cp, t.canaries);
    live = await collectLive(t.cp, t.processes);
  } catch (err) {
    collectError = err;
  }
  await stopProcesses();
  const responses = await t.responses.close(t.notKuberelay);
  if (collectError !== undefined) throw collectError;
  const outputs = t.processes.map((p) => ({ source: `output of ${p.name}`, text: p.output() }));
  const produced = [...outputs, ...logFiles(t.cp.logDir), ...live, ...responses];
  t.canaries.assertNoLeak(produced);
  return {
    secrets: t.canaries.count,
    texts: produced.length,
    bytes: produced.reduce((n, p) => n + p.text.length, 0),
  };
}
