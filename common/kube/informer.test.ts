import { createServer, type Server, type ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { KubeConfig, type KubernetesListObject, type V1Secret } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../log.js";
import { startInformer } from "./informer.js";
import { listenForKubeConfig } from "./loopback-kubeconfig.js";

const secret = (name: string, resourceVersion: string): V1Secret => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: {
    name,
    namespace: "ns",
    resourceVersion,
    managedFields: [{ manager: "kubectl", operation: "Apply", fieldsType: "FieldsV1", fieldsV1: {} }],
  },
});

/**
 * A stand-in API server for one collection: lists return `items`; each watch request is
 * answered by the next scripted behaviour.
 */
function fakeApiServer(script: Array<(res: ServerResponse) => void>) {
  const state = { items: [secret("a", "5")], lists: 0, watches: [] as string[] };
  const open: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.searchParams.get("watch") !== "true") {
      state.lists++;
      const rv = String(Math.max(...state.items.map((i) => Number(i.metadata?.resourceVersion))));
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          kind: "SecretList",
          apiVersion: "v1",
          metadata: { resourceVersion: rv },
          items: state.items,
        }),
      );
      return;
    }
    state.watches.push(url.searchParams.get("resourceVersion") ?? "");
    res.writeHead(200, { "content-type": "application/json" });
    open.push(res);
    const next = script.shift();
    if (next) next(res);
    // No more script: hold the watch open, as a quiet API server does.
  });
  return { server, state, open };
}

const event = (res: ServerResponse, type: string, object: unknown) =>
  res.write(`${JSON.stringify({ type, object })}\n`);

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function start(
  script: Array<(res: ServerResponse) => void>,
  extra: { trim?: (s: V1Secret) => void } = {},
) {
  const fake = fakeApiServer(script);
  const kc = await listenForKubeConfig(fake.server);
  const seen: string[] = [];
  const seenManagedFields: boolean[] = [];
  const informer = startInformer<V1Secret>(kc, {
    path: "/api/v1/namespaces/ns/secrets",
    list: async () =>
      (await (
        await fetch(`${kc.getCurrentCluster()?.server}/api/v1/namespaces/ns/secrets`)
      ).json()) as KubernetesListObject<V1Secret>,
    log: createLogger("test", { sink: () => {} }),
    onChange: (s) => {
      seen.push(`${s.metadata?.name}@${s.metadata?.resourceVersion}`);
      seenManagedFields.push(s.metadata?.managedFields !== undefined);
    },
    ...extra,
  });
  close = async () => {
    await informer.stop();
    for (const res of fake.open) res.destroy();
    await new Promise<void>((r) => fake.server.close(() => r()));
  };
  await informer.synced;
  return { informer, state: fake.state, seen, seenManagedFields };
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (check()) return;
    await sleep(20);
  }
  throw new Error(`never happened: ${what}`);
}

describe("startInformer", () => {
  it("relists after 410 Gone and picks up what changed while its resource version was too old", async () => {
    const { informer, state, seen } = await start([
      (res) => {
        // The API server compacted past our version; meanwhile b appeared and a went away.
        state.items = [secret("b", "9")];
        event(res, "ERROR", {
          kind: "Status",
          apiVersion: "v1",
          code: 410,
          reason: "Expired",
          message: "too old resource version: 5 (8)",
        });
        res.end();
      },
    ]);
    await eventually(() => informer.get("b", "ns") !== undefined, "b is cached after the relist");
    expect(informer.get("a", "ns")).toBeUndefined();
    expect(state.lists).toBe(2);
    await eventually(() => state.watches.length === 2, "a second watch");
    expect(state.watches).toEqual(["5", "9"]);
    expect(seen).toContain("b@9");
  });

  it("resumes from its last resource version when a watch simply ends, without a relist", async () => {
    const { informer, state } = await start([
      (res) => {
        event(res, "ADDED", secret("c", "7"));
        res.end();
      },
    ]);
    await eventually(() => state.watches.length === 2, "a second watch");
    expect(state.watches).toEqual(["5", "7"]);
    expect(state.lists).toBe(1);
    expect(informer.get("c", "ns")?.metadata?.resourceVersion).toBe("7");
  });

  it("resumes from the same resource version after a dropped connection, and gets what it missed", async () => {
    const { informer, state } = await start([
      (res) => res.destroy(),
      // A real API server replays, from the version asked for, what happened since.
      (res) => event(res, "ADDED", secret("d", "11")),
    ]);
    await eventually(() => informer.get("d", "ns") !== undefined, "d is cached after the reconnect");
    expect(state.watches).toEqual(["5", "5"]);
    expect(state.lists).toBe(1);
  });

  it("caches listed and watched objects without managedFields, before any reader sees them", async () => {
    const { informer, seenManagedFields } = await start([(res) => event(res, "ADDED", secret("e", "12"))]);
    await eventually(() => informer.get("e", "ns") !== undefined, "e is cached");
    for (const name of ["a", "e"]) {
      expect(informer.get(name, "ns")?.metadata).toMatchObject({ name, namespace: "ns" });
      expect(informer.get(name, "ns")?.metadata?.managedFields).toBeUndefined();
    }
    expect(seenManagedFields).toEqual([false, false]);
  });

  it("applies a custom trim to what it caches", async () => {
    const { informer } = await start(
      [(res) => event(res, "ADDED", { ...secret("f", "13"), data: { k: "dg==" } })],
      {
        trim: (s) => {
          delete s.data;
        },
      },
    );
    await eventually(() => informer.get("f", "ns") !== undefined, "f is cached");
    expect(informer.get("f", "ns")?.data).toBeUndefined();
    // A custom trim replaces the default one.
    expect(informer.get("f", "ns")?.metadata?.managedFields).toHaveLength(1);
  });
});

describe("informer restart backoff", () => {
  it("never waits longer than maxBackoffMs between restarts, however often the API server fails", async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "c", server: "http://127.0.0.1:9", skipTLSVerify: true }],
      users: [{ name: "u" }],
      contexts: [{ name: "x", cluster: "c", user: "u" }],
      currentContext: "x",
    });
    const waits: number[] = [];
    const log = createLogger("test", {
      sink: (line) => {
        const parsed = JSON.parse(line) as { msg?: string; retryInMs?: number };
        if (parsed.msg === "watch failed; restarting" && parsed.retryInMs !== undefined)
          waits.push(parsed.retryInMs);
      },
    });
    const informer = startInformer<V1Secret>(kc, {
      path: "/api/v1/secrets",
      list: () => Promise.reject(new Error("connection refused")),
      log,
      onChange: () => {},
      maxBackoffMs: 1000,
    });
    close = () => informer.stop();
    await sleep(3000);
    expect(waits.slice(0, 4)).toEqual([500, 1000, 1000, 1000].slice(0, waits.length));
    expect(waits.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...waits)).toBe(1000);
  });
});
