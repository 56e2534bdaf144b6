import type { EventsV1Event, V1Namespace, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { Logger } from "../../common/log.js";
import { MissedInjectionReporter } from "./reporter.js";

const quiet: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => quiet,
};

function world() {
  const pods = new Map<string, V1Pod>();
  const namespaces = new Map<string, V1Namespace>();
  const events: EventsV1Event[] = [];
  const counts: number[] = [];
  let failNext: unknown;
  const reporter = new MissedInjectionReporter({
    pods: {
      get: (name, namespace) => pods.get(`${namespace}/${name}`),
      list: (namespace) => [...pods.values()].filter((p) => p.metadata?.namespace === namespace),
    },
    namespaces: { get: (name) => namespaces.get(name) },
    scope: { ownNamespace: "kuberelay-system", excludedNamespaces: new Set() },
    sink: async (_namespace, body) => {
      if (failNext !== undefined) {
        const err = failNext;
        failNext = undefined;
        throw err;
      }
      events.push(body);
    },
    log: quiet,
    reportingInstance: "operator-0",
    onCount: (n) => counts.push(n),
  });
  const putPod = (
    namespace: string,
    name: string,
    annotations: Record<string, string>,
    uid = `${name}-uid`,
  ) => {
    pods.set(`${namespace}/${name}`, { metadata: { namespace, name, uid, annotations } });
    reporter.podChanged(namespace, name);
  };
  const deletePod = (namespace: string, name: string) => {
    pods.delete(`${namespace}/${name}`);
    reporter.podChanged(namespace, name);
  };
  const label = (name: string, labels: Record<string, string>) => {
    namespaces.set(name, { metadata: { name, labels } });
    reporter.namespaceChanged(name);
  };
  return {
    reporter,
    events,
    counts,
    putPod,
    deletePod,
    label,
    failWith: (err: unknown) => {
      failNext = err;
    },
  };
}

const ask = { "kuberelay.dev/inject": "true" };

describe("MissedInjectionReporter", () => {
  it("counts on every replica but writes Events only once leading, one per Pod", async () => {
    const w = world();
    w.putPod("team-a", "early", ask);
    await w.reporter.settled();
    expect(w.events).toEqual([]);
    expect(w.counts.at(-1)).toBe(1);

    w.reporter.lead();
    w.putPod("team-a", "late", ask);
    w.putPod("team-a", "late", { ...ask, unrelated: "change" });
    await w.reporter.settled();
    expect(w.events.map((e) => [e.regarding?.name, e.reason, e.type])).toEqual([
      ["early", "InjectionMissed", "Warning"],
      ["late", "InjectionMissed", "Warning"],
    ]);
    expect(w.events[0]?.note).toContain("Delete the Pod");
    expect(w.events[0]?.metadata?.name).toBe("early.injection-missed.early-uid");
    expect(w.reporter.snapshot().map((p) => p.name)).toEqual(["early", "late"]);
  });

  it("forgets a Pod once it is deleted or carries the marker", () => {
    const w = world();
    w.putPod("team-a", "a", ask);
    w.putPod("team-a", "b", ask);
    w.deletePod("team-a", "a");
    w.putPod("team-a", "b", { ...ask, "kuberelay.dev/injected": "OPENAI_BASE_URL" });
    expect(w.reporter.snapshot()).toEqual([]);
    expect(w.counts.at(-1)).toBe(0);
  });

  it("follows the namespace label for Pods without the annotation", () => {
    const w = world();
    w.putPod("team-b", "plain", {});
    w.putPod("team-b", "opted-out", { "kuberelay.dev/inject": "false" });
    expect(w.reporter.snapshot()).toEqual([]);
    w.label("team-b", { "kuberelay.dev/inject": "enabled" });
    expect(w.reporter.snapshot().map((p) => [p.name, p.by])).toEqual([["plain", "namespace"]]);
    w.label("team-b", {});
    expect(w.reporter.snapshot()).toEqual([]);
  });

  it("takes AlreadyExists as recorded, and retries a failed write on the Pod's next change", async () => {
    const w = world();
    w.reporter.lead();
    w.failWith(Object.assign(new Error("exists"), { code: 409 }));
    w.putPod("team-a", "x", ask);
    await w.reporter.settled();
    w.putPod("team-a", "x", { ...ask, touched: "1" });
    await w.reporter.settled();
    expect(w.events).toEqual([]);

    w.failWith(Object.assign(new Error("unavailable"), { code: 503 }));
    w.putPod("team-a", "y", ask);
    await w.reporter.settled();
    expect(w.events).toEqual([]);
    w.putPod("team-a", "y", { ...ask, touched: "1" });
    await w.reporter.settled();
    expect(w.events.map((e) => e.regarding?.name)).toEqual(["y"]);
  });

  it("reports a new Pod of the same name (a new uid) again", async () => {
    const w = world();
    w.reporter.lead();
    w.putPod("team-a", "web-0", ask, "uid-1");
    w.deletePod("team-a", "web-0");
    w.putPod("team-a", "web-0", ask, "uid-2");
    await w.reporter.settled();
    expect(w.events.map((e) => e.regarding?.uid)).toEqual(["uid-1", "uid-2"]);
  });
});
