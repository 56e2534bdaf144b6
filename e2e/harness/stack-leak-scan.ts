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
import type { SecretHistory, SecretVersion } from "./secret-history.js";

export interface LeakScanTarget {
  cp: ControlPlane;
  canaries: SecretCanaries;
  /** Every kuberelay process of the run, stopped or not. */
  processes: readonly KuberelayProcess[];
  responses: ResponseRecorder;
  /** Ops endpoints read as each process was stopped (readOpsBeforeStop). */
  opsAtStop: Produced;
  /** Every version of every Secret seen during the run. */
  secretHistory: SecretHistory;
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

type Selector = { name: string; key: string };
type RelayKeyObject = KubeObject & { spec?: { secretRef?: Selector } };
type ProviderKeyObject = KubeObject & { spec?: { credentials?: { secretKeyRef?: Selector } } };
type SecretObject = KubeObject & { data?: Record<string, string> };

const KUBERELAY_KINDS = "relaykeys.kuberelay.dev,providerkeys.kuberelay.dev,policies.kuberelay.dev";

async function getJson<T>(cp: ControlPlane, args: string[]): Promise<T> {
  return JSON.parse((await cp.kubectl(["get", ...args, "-o", "json"])).stdout) as T;
}

const idOf = (o: KubeObject) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`;

/** What a Secret holds by itself: a relay key the operator generated, or a private key (the webhook's TLS). */
function addOwnSecrets(canaries: SecretCanaries, v: SecretVersion): void {
  for (const [field, text] of Object.entries(v.data)) {
    // A PEM as the whole value (tls.key); a key inside JSON is a ProviderKey credential's business.
    if (text.trimStart().startsWith("-----BEGIN ") && text.includes("PRIVATE KEY-----")) {
      canaries.addPrivateKeyPem(`private key in Secret ${v.namespace}/${v.name}[${field}]`, text);
    }
  }
  if (v.labels[LABEL_RELAY_KEY] === undefined) return;
  for (const field of [RELAY_KEY_SECRET_KEY, PREVIOUS_RELAY_KEY_SECRET_KEY]) {
    const key = v.data[field];
    if (key) canaries.addRelayKey(`relay key ${v.namespace}/${v.name}[${field}]`, key, true);
  }
}

/**
 * Adds the secrets the cluster held during the run (`history`, plus the Secrets as they are now):
 * every relay key the operator generated (current and previous), every key a RelayKey brings by
 * secretRef, every ProviderKey's credential and every private key (the webhook's TLS), each in
 * every version it had.
 */
export async function sweepClusterSecrets(
  cp: ControlPlane,
  canaries: SecretCanaries,
  history: readonly SecretVersion[],
): Promise<void> {
  const now = await getJson<KubeList<SecretObject>>(cp, ["secrets", "-A"]);
  const versions = [
    ...history,
    ...now.items.map((s) => ({
      namespace: s.metadata.namespace ?? "",
      name: s.metadata.name,
      labels: s.metadata.labels ?? {},
      data: Object.fromEntries(
        Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]),
      ),
    })),
  ];
  const valuesOf = (namespace: string | undefined, ref: Selector) =>
    versions
      .filter((v) => v.namespace === (namespace ?? "") && v.name === ref.name)
      .map((v) => v.data[ref.key])
      .filter((v): v is string => v !== undefined);
  for (const v of versions) addOwnSecrets(canaries, v);
  const [relayKeys, providerKeys] = await Promise.all([
    getJson<KubeList<RelayKeyObject>>(cp, ["relaykeys.kuberelay.dev", "-A"]),
    getJson<KubeList<ProviderKeyObject>>(cp, ["providerkeys.kuberelay.dev", "-A"]),
  ]);
  for (const rk of relayKeys.items) {
    const ref = rk.spec?.secretRef;
    for (const key of ref ? valuesOf(rk.metadata.namespace, ref) : []) {
      canaries.addRelayKey(`relay key of RelayKey ${idOf(rk)} (secretRef)`, key, false);
    }
  }
  for (const pk of providerKeys.items) {
    const ref = pk.spec?.credentials?.secretKeyRef;
    for (const credential of ref ? valuesOf(pk.metadata.namespace, ref) : []) {
      canaries.addCredential(`credential of ProviderKey ${idOf(pk)}`, credential);
    }
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

/**
 * The same process, but its stop() first reads its ops endpoints into `sink`: tests stop processes
 * themselves (mid-test, or all at once before stack.stop()), and /metrics is gone with the process.
 */
export function readOpsBeforeStop(proc: KuberelayProcess, sink: Produced): KuberelayProcess {
  return {
    ...proc,
    async stop(graceMs) {
      sink.push(...(await opsEndpoints(proc)));
      return proc.stop(graceMs);
    },
  };
}

/** What can only be read while the control plane runs: Events and kuberelay statuses. */
export async function collectLive(cp: ControlPlane): Promise<Produced> {
  const events = await cp.kubectl(["get", "events", "-A", "-o", "json"]);
  const objects = await getJson<KubeList<KubeObject & { status?: unknown }>>(cp, [KUBERELAY_KINDS, "-A"]);
  const statuses = objects.items
    .filter((o) => o.status !== undefined)
    .map((o) => ({ source: `status of ${o.kind} ${idOf(o)}`, text: JSON.stringify(o.status) }));
  return [{ source: "Events", text: events.stdout }, ...statuses];
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
    await sweepClusterSecrets(t.cp, t.canaries, t.secretHistory.versions());
    live = await collectLive(t.cp);
  } catch (err) {
    collectError = err;
  }
  // Each process's stop() reads its ops endpoints first (readOpsBeforeStop) into opsAtStop.
  await stopProcesses();
  await t.secretHistory.close();
  const responses = await t.responses.close(t.notKuberelay);
  if (collectError !== undefined) throw collectError;
  const outputs = t.processes.map((p) => ({ source: `output of ${p.name}`, text: p.output() }));
  const produced = [...outputs, ...logFiles(t.cp.logDir), ...live, ...t.opsAtStop, ...responses];
  t.canaries.assertNoLeak(produced);
  return {
    secrets: t.canaries.count,
    texts: produced.length,
    bytes: produced.reduce((n, p) => n + p.text.length, 0),
  };
}
