/**
 * Fault drills on the real control plane (#9): the API server away for a minute, the operator
 * SIGKILLed mid-issue, Redis gone, and a gateway SIGTERMed with streams in flight. Each drill
 * sets up its own namespace and prints its figures.
 */
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startChatStream } from "../harness/chat-stream.js";
import { freePort } from "../harness/free-port.js";
import {
  applyRelayKey,
  issuedRelayKey,
  waitForKeyOnGateway,
  waitRelayKeyReady,
} from "../harness/issued-relay-key.js";
import type { KuberelayProcess, LogLine } from "../harness/kuberelay-process.js";
import { type GatewayHandle, type Stack, startStack } from "../harness/kuberelay-stack.js";
import type { ManagedProcess } from "../harness/managed-process.js";
import { quickstartManifests } from "../harness/quickstart-manifests.js";
import { startRedis } from "../harness/redis-server.js";
import { waitFor } from "../harness/wait-for.js";

/** startStack's gateways run with --drain-seconds 5. */
const DRAIN_MS = 5_000;
/** A drill-4 stream is 11 events (role, 9 words, stop) this far apart: about 2 s. */
const CHUNK_DELAY_MS = 200;

let stack: Stack;
let redis: ManagedProcess;
let redisPort = 0;
const redisLogs = mkdtempSync(join(tmpdir(), "kuberelay-drills-"));
/** The operator that leads now; drills 1 and 2 replace it, as Kubernetes would a dead Pod. */
let leader: KuberelayProcess;

const isLeading = (l: LogLine) => l.msg === "leading";
const seconds = (ms: number) => (ms / 1000).toFixed(1);

beforeAll(async () => {
  redisPort = await freePort();
  redis = await startRedis(redisPort, redisLogs);
  stack = await startStack({
    gateways: 2,
    gatewayEnv: { REDIS_URL: `redis://127.0.0.1:${redisPort}` },
    mock: { chunkDelayMs: CHUNK_DELAY_MS },
  });
  leader = stack.operator;
  await leader.waitForLine(isLeading);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  await redis?.stop();
  rmSync(redisLogs, { recursive: true, force: true });
});

async function applyQuickstartIn(namespace: string, relayKey: string): Promise<string> {
  await stack.cp.kubectl(
    ["apply", "-f", "-"],
    quickstartManifests({
      namespace,
      upstreamURL: `${stack.mock.url}/v1`,
      providerSecret: stack.providerSecret,
      relayKey,
    }),
  );
  return issuedRelayKey(stack, namespace, relayKey, `${relayKey}-relay-key`);
}

interface Answer {
  /** 0 when nothing came back (refused, reset or timed out). */
  status: number;
  body: string;
  headers: Headers;
}

async function secretKey(namespace: string, name: string): Promise<string> {
  const { stdout } = await stack.cp.kubectl([
    "get",
    "secret",
    "-n",
    namespace,
    name,
    "-o",
    "jsonpath={.data.key}",
  ]);
  return Buffer.from(stdout, "base64").toString("utf8");
}

/** When the gateway first accepted the key (/v1/models authenticates without counting against limits). */
async function acceptedAt(gw: GatewayHandle, apiKey: string, timeoutMs: number): Promise<number> {
  return waitFor(
    `${gw.url} to accept the key`,
    async () => {
      const res = await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${apiKey}` } });
      await res.arrayBuffer();
      return res.status === 200 ? Date.now() : undefined;
    },
    timeoutMs,
  );
}

async function chat(gw: GatewayHandle, apiKey: string): Promise<Answer> {
  try {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
      signal: AbortSignal.timeout(5_000),
    });
    return { status: res.status, body: await res.text(), headers: res.headers };
  } catch {
    return { status: 0, body: "", headers: new Headers() };
  }
}

/** Milliseconds until every gateway answers `want`. */
async function untilEveryGateway(want: number, apiKey: string, timeoutMs = 30_000): Promise<number> {
  const started = Date.now();
  for (const gw of stack.gateways) {
    while ((await chat(gw, apiKey)).status !== want) {
      if (Date.now() - started > timeoutMs) throw new Error(`${gw.url} never answered ${want}`);
      await sleep(50);
    }
  }
  return Date.now() - started;
}

interface Probe {
  atMs: number;
  gateway: string;
  status: number;
}

/** Asks every gateway once a second until stopped; resolves with every answer. */
function probeEverySecond(gateways: readonly GatewayHandle[], apiKey: string) {
  const probes: Probe[] = [];
  const started = Date.now();
  let running = true;
  const loop = (async () => {
    while (running) {
      const tick = Date.now();
      const answers = await Promise.all(
        gateways.map(async (gw) => ({ gateway: gw.url, status: (await chat(gw, apiKey)).status })),
      );
      probes.push(...answers.map((a) => ({ atMs: tick - started, ...a })));
      await sleep(Math.max(0, 1_000 - (Date.now() - tick)));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return probes;
    },
  };
}

describe("fault drills", () => {
  it("drill 1: with the API server down for 60 s the gateways answer 200 throughout; afterwards every watch and the leader come back", async () => {
    const ns = "drill-apiserver";
    const key = await applyQuickstartIn(ns, "app");
    await applyRelayKey(stack, ns, "doomed", { policy: "default", secretName: "doomed-relay-key" });
    const doomed = await issuedRelayKey(stack, ns, "doomed", "doomed-relay-key");

    const probes = probeEverySecond(stack.gateways, key);
    const downAt = Date.now();
    await stack.cp.restartApiserver(60_000);
    const backAt = Date.now();

    // A leader that cannot renew its Lease exits on purpose (no write may race a new leader);
    // Kubernetes starts the Pod again, which the drill does here once the API server is back.
    const lost = leader.lines.some((l) => l.msg === "stopped leading");
    let lostExit: number | null = null;
    if (lost) {
      lostExit = await leader.exited;
      leader = await stack.addOperator();
    }
    const leading = await leader.waitForLine(isLeading, 30_000);
    const leadsAgainMs = Date.parse(String(leading.time)) - backAt;

    const createdAt = Date.now();
    await applyRelayKey(stack, ns, "after-outage", {
      policy: "default",
      secretName: "after-outage-relay-key",
    });
    await waitRelayKeyReady(stack, ns, "after-outage");
    const readyMs = Date.now() - createdAt;
    const fresh = await secretKey(ns, "after-outage-relay-key");
    // Each gateway's watch retries with capped backoff (up to 30 s apart), so a gateway may pick
    // the new config up that long after the API server is back.
    const acceptedMs = await Promise.all(
      stack.gateways.map(async (gw) => (await acceptedAt(gw, fresh, 45_000)) - createdAt),
    );
    await stack.cp.kubectl(["delete", "relaykey", "-n", ns, "doomed"]);
    const revokedMs = await untilEveryGateway(401, doomed);
    const answers = await probes.stop();

    console.log(
      `drill 1: API server down ${seconds(backAt - downAt)} s (60 s away plus stop and start); ` +
        `${answers.length} probes, ${answers.filter((p) => p.status === 200).length} answered 200; ` +
        `operator ${lost ? `lost its Lease and exited ${lostExit}, a restarted one led` : "kept leading and led"} ` +
        `${seconds(leadsAgainMs)} s after the API server was back; a RelayKey created ${seconds(createdAt - backAt)} s ` +
        `after that was Ready in ${seconds(readyMs)} s and worked on the gateways after ${acceptedMs.map(seconds).join(" s and ")} s; ` +
        `a deleted one was refused everywhere after ${revokedMs} ms`,
    );
    expect(answers.filter((p) => p.status !== 200)).toEqual([]);
    // One probe a second per gateway through the whole outage.
    expect(answers.length).toBeGreaterThanOrEqual(stack.gateways.length * 60);
    if (lost) expect(lostExit).toBe(1);
    for (const gw of stack.gateways) expect((await chat(gw, fresh)).status).toBe(200);
    for (const gw of stack.gateways) expect((await chat(gw, key)).status).toBe(200);
  }, 180_000);

  it("drill 2: an operator SIGKILLed while issuing 40 RelayKeys — a new one converges them all, one working Secret each, none rewritten", async () => {
    const ns = "drill-operator-kill";
    await applyQuickstartIn(ns, "seed");
    const names = Array.from({ length: 40 }, (_, i) => `burst-${String(i).padStart(2, "0")}`);
    const doomedLeader = leader;
    const issuedBy = (p: KuberelayProcess) =>
      p.lines
        .filter((l) => l.msg === "relay key issued" && String(l.relayKey).startsWith(`${ns}/burst-`))
        .map((l) => String(l.relayKey));
    const applying = stack.cp.kubectl(
      ["apply", "-f", "-"],
      names.map((name) => JSON.stringify(relayKeyObject(ns, name))).join("\n---\n"),
    );
    await waitFor(
      "the first 5 RelayKeys issued",
      async () => (issuedBy(doomedLeader).length >= 5 ? true : undefined),
      30_000,
      2,
    );
    process.kill(doomedLeader.pid, "SIGKILL");
    const killedAt = Date.now();
    await doomedLeader.exited;
    const issuedBeforeKill = issuedBy(doomedLeader).length;
    await applying;
    const before = await relayKeySecrets(ns);
    const beforeBurst = [...before.values()].filter((s) => s.name.startsWith("burst-"));
    const readyAtKill = (await readyRelayKeys(ns)).filter((n) => n.startsWith("burst-")).length;

    leader = await stack.addOperator();
    const leading = await leader.waitForLine(isLeading, 30_000);
    await stack.cp.kubectl([
      "wait",
      "--for=condition=Ready",
      "--timeout=60s",
      "-n",
      ns,
      ...names.map((n) => `relaykey/${n}`),
    ]);
    const convergedMs = Date.now() - killedAt;
    const after = await relayKeySecrets(ns);
    const owners = await relayKeyUids(ns);
    const keys: string[] = [];
    for (const name of names) {
      const uid = owners.get(name);
      const owned = [...after.values()].filter((s) => s.ownerUid === uid);
      expect(
        owned.map((s) => s.name),
        name,
      ).toEqual([`${name}-key`]);
      keys.push(owned[0]?.key ?? "");
    }
    for (const key of keys) for (const gw of stack.gateways) await waitForKeyOnGateway(gw, key);
    const workingMs = Date.now() - killedAt;

    console.log(
      `drill 2: SIGKILL after ${issuedBeforeKill} of 40 issued (${beforeBurst.length} Secrets and ${readyAtKill} Ready at the kill); ` +
        `new operator led ${seconds(Date.parse(String(leading.time)) - killedAt)} s after the kill (Lease lapse), ` +
        `kubectl wait saw all 40 Ready ${seconds(convergedMs)} s after it, every key working on both gateways after ${seconds(workingMs)} s`,
    );
    // The kill has to land mid-issue for the drill to mean anything.
    expect(beforeBurst.length).toBeLessThan(names.length);
    // Written before the kill: same object, same key, never touched again.
    for (const s of beforeBurst) expect(after.get(s.name), s.name).toEqual(s);
    // Each RelayKey issued at most once across both operators.
    const issued = [...issuedBy(doomedLeader), ...issuedBy(leader)];
    expect(issued.length).toBe(new Set(issued).size);
    expect(new Set(keys).size).toBe(names.length);
    for (const p of stack.processes()) for (const key of keys) expect(p.output()).not.toContain(key);
  }, 120_000);

  it("drill 3: with Redis down failOpen admits and failOpen: false answers 503 limit_store_unavailable; limits hold again once Redis is back", async () => {
    const ns = "drill-redis";
    await stack.cp.kubectl(["apply", "-f", "-"], limitedManifests(ns));
    const openKey = await issuedRelayKey(stack, ns, "open-caller", "open-caller-key");
    const closedKey = await issuedRelayKey(stack, ns, "closed-caller", "closed-caller-key");
    // Both Policies allow 3 requests a minute, counted in Redis across both gateways.
    expect(await admittedUntilRefused(openKey)).toBe(3);
    expect(await admittedUntilRefused(closedKey)).toBe(3);

    process.kill(redis.pid, "SIGKILL");
    await redis.exited;
    const killedAt = Date.now();
    const during: Answer[] = [];
    const openDuring: number[] = [];
    for (const gw of stack.gateways) {
      // Already past its limit: only a limiter that no longer counts lets these through.
      for (let i = 0; i < 4; i++) openDuring.push((await chat(gw, openKey)).status);
      during.push(await chat(gw, closedKey));
      expect(await storeUp(gw)).toBe(false);
    }
    expect(openDuring.filter((s) => s !== 200)).toEqual([]);
    for (const refused of during) {
      expect(refused.status).toBe(503);
      expect(JSON.parse(refused.body)).toEqual({
        error: {
          message: expect.any(String),
          type: "server_error",
          param: null,
          code: "limit_store_unavailable",
        },
      });
      expect(refused.headers.get("retry-after")).toBe("1");
      expect(refused.body).not.toContain(String(redisPort));
    }

    redis = await startRedis(redisPort, redisLogs, "redis-2");
    const restartedAt = Date.now();
    await waitFor(
      "every gateway back on Redis",
      async () => {
        for (const gw of stack.gateways) if (!(await storeUp(gw))) return undefined;
        return true;
      },
      15_000,
    );
    const reconnectMs = Date.now() - restartedAt;
    // The new Redis is empty: the counts start again, and the limits hold again.
    const openAfter = await admittedUntilRefused(openKey);
    const closedAfter = await admittedUntilRefused(closedKey);
    console.log(
      `drill 3: Redis down ${seconds(restartedAt - killedAt)} s: failOpen admitted ${openDuring.filter((s) => s === 200).length} of ${openDuring.length} past its limit, ` +
        `failOpen: false answered ${during.map((a) => a.status).join(", ")}; gateways back on Redis ${reconnectMs} ms ` +
        `after it restarted; then ${openAfter} and ${closedAfter} admitted before 429`,
    );
    expect(openAfter).toBe(3);
    expect(closedAfter).toBe(3);
  }, 90_000);

  it("drill 4: SIGTERM with 20 streams in flight — every stream completes, the gateway exits 0 within its drain deadline, a new connection is turned away", async () => {
    const key = await applyQuickstartIn("drill-sigterm", "app");
    const gw = await stack.addGateway();
    await waitForKeyOnGateway(gw, key);
    const prompt = "one two three four five six seven eight";
    const streams = Array.from({ length: 20 }, () => startChatStream(`${gw.url}/v1`, key, prompt));
    await Promise.all(streams.map((s) => Promise.race([s.started, s.done])));
    await sleep(600);
    const inFlight = streams.filter((s) => !s.finished()).length;

    const sigtermAt = Date.now();
    const exitMs = gw.proc.exited.then(() => Date.now() - sigtermAt);
    const exit = gw.proc.stop(DRAIN_MS + 10_000);
    // Once the gateway says so, not after a fixed pause: on a busy machine the signal can take
    // longer than 100 ms to reach a process streaming 20 answers (a new connection then got 200).
    await gw.proc.waitForLine((l) => l.msg === "shutting down", 5_000);
    const newConnection = await freshConnection(gw.url, key);
    const results = await Promise.all(streams.map((s) => s.done));
    const streamsDoneMs = Date.now() - sigtermAt;
    const code = await exit;

    console.log(
      `drill 4: SIGTERM with ${inFlight} of 20 streams in flight; ${results.filter((r) => r.sawDone).length} ended ` +
        `with [DONE] ${streamsDoneMs} ms after it; exit ${code} after ${await exitMs} ms (drain deadline ${DRAIN_MS} ms); ` +
        `a new connection after SIGTERM: ${newConnection}`,
    );
    expect(inFlight).toBe(20);
    for (const r of results) {
      expect(r).toEqual({
        text: `echo: ${prompt}`,
        contentChunks: 9,
        finishReason: "stop",
        sawDone: true,
      });
    }
    expect(code).toBe(0);
    // The API drains for DRAIN_MS, then the ops port gets up to 1 s.
    expect(await exitMs).toBeLessThan(DRAIN_MS + 1_500);
    expect(["refused", "503"]).toContain(newConnection);
  }, 60_000);
});

function relayKeyObject(namespace: string, name: string) {
  return {
    apiVersion: "kuberelay.dev/v1alpha1",
    kind: "RelayKey",
    metadata: { name, namespace },
    spec: { policyRef: { name: "default" }, secretName: `${name}-key` },
  };
}

interface IssuedSecret {
  name: string;
  uid: string;
  resourceVersion: string;
  ownerUid: string | undefined;
  key: string;
}

interface KubeList<T> {
  items: T[];
}

interface SecretObject {
  metadata: {
    name: string;
    uid: string;
    resourceVersion: string;
    ownerReferences?: Array<{ uid: string; controller?: boolean }>;
  };
  data?: { key?: string };
}

/** The operator's relay key Secrets in `namespace`, by name. */
async function relayKeySecrets(namespace: string): Promise<Map<string, IssuedSecret>> {
  const { stdout } = await stack.cp.kubectl([
    "get",
    "secrets",
    "-n",
    namespace,
    "-l",
    "kuberelay.dev/relay-key",
    "-o",
    "json",
  ]);
  const list = JSON.parse(stdout) as KubeList<SecretObject>;
  return new Map(
    list.items.map((s) => [
      s.metadata.name,
      {
        name: s.metadata.name,
        uid: s.metadata.uid,
        resourceVersion: s.metadata.resourceVersion,
        ownerUid: s.metadata.ownerReferences?.find((o) => o.controller)?.uid,
        key: Buffer.from(s.data?.key ?? "", "base64").toString("utf8"),
      },
    ]),
  );
}

interface RelayKeyObject {
  metadata: { name: string; uid: string };
  status?: { conditions?: Array<{ type: string; status: string }> };
}

async function relayKeyList(namespace: string): Promise<RelayKeyObject[]> {
  const { stdout } = await stack.cp.kubectl(["get", "relaykeys", "-n", namespace, "-o", "json"]);
  return (JSON.parse(stdout) as KubeList<RelayKeyObject>).items;
}

async function relayKeyUids(namespace: string): Promise<Map<string, string>> {
  return new Map((await relayKeyList(namespace)).map((rk) => [rk.metadata.name, rk.metadata.uid]));
}

async function readyRelayKeys(namespace: string): Promise<string[]> {
  return (await relayKeyList(namespace))
    .filter((rk) => rk.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"))
    .map((rk) => rk.metadata.name);
}

function limitedManifests(namespace: string): string {
  const policy = (name: string, failOpen: boolean) => `apiVersion: kuberelay.dev/v1alpha1
kind: Policy
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  routes: [{ model: gpt-4o-mini, targets: [{ providerKeyRef: { name: mock } }] }]
  limits: { requestsPerMinute: 3, failOpen: ${failOpen} }
---
apiVersion: kuberelay.dev/v1alpha1
kind: RelayKey
metadata: { name: ${name}-caller, namespace: ${namespace} }
spec:
  policyRef: { name: ${name} }
  secretName: ${name}-caller-key
`;
  return `apiVersion: v1
kind: Namespace
metadata: { name: ${namespace} }
---
apiVersion: v1
kind: Secret
metadata: { name: upstream, namespace: ${namespace} }
stringData: { apiKey: "${stack.providerSecret}" }
---
apiVersion: kuberelay.dev/v1alpha1
kind: ProviderKey
metadata: { name: mock, namespace: ${namespace} }
spec:
  provider: openai-compatible
  baseURL: ${stack.mock.url}/v1
  allowPrivateNetwork: true
  credentials: { secretKeyRef: { name: upstream, key: apiKey } }
---
${policy("open", true)}---
${policy("closed", false)}`;
}

/** Requests alternate between the gateways; how many are admitted before the first 429. */
async function admittedUntilRefused(apiKey: string, max = 10): Promise<number> {
  for (let i = 0; i < max; i++) {
    const gw = stack.gateways[i % stack.gateways.length] as GatewayHandle;
    const { status } = await chat(gw, apiKey);
    if (status === 429) return i;
    if (status !== 200) throw new Error(`${gw.url} answered ${status}, expected 200 or 429`);
  }
  return max;
}

async function storeUp(gw: GatewayHandle): Promise<boolean> {
  const metrics = await (await fetch(`${gw.metricsUrl}/metrics`)).text();
  return /^kuberelay_gateway_limit_store_up 1$/m.test(metrics);
}

/**
 * A request on a connection of its own (no keep-alive pool that could reuse an open socket):
 * "refused", the status it got, or the error code.
 */
function freshConnection(url: string, apiKey: string): Promise<string> {
  return new Promise((resolve) => {
    const req = http.request(
      `${url}/v1/chat/completions`,
      {
        method: "POST",
        agent: false,
        timeout: 5_000,
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      },
      (res) => {
        res.resume();
        resolve(String(res.statusCode));
      },
    );
    req.on("error", (err: NodeJS.ErrnoException) =>
      resolve(err.code === "ECONNREFUSED" ? "refused" : `error ${err.code ?? err.message}`),
    );
    req.on("timeout", () => req.destroy());
    req.end(JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "late" }] }));
  });
}
