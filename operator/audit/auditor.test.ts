import type { EventsV1Event, KubernetesObject } from "@kubernetes/client-node";
import { describe, expect, it, vi } from "vitest";
import type { Database } from "../../common/db/database.js";
import { databaseKinds, databasePerTest } from "../../common/db/testing/test-databases.js";
import { createLogger } from "../../common/log.js";
import type { EventSink } from "../events.js";
import { AuditStore } from "./audit-store.js";
import { Auditor } from "./auditor.js";
import { type ObservedObject, observePolicy, observeRelayKey } from "./observed.js";

// The embedded database starts in 2-3 s alone, and slower beside a whole unit run.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

const quiet = createLogger("test", { sink: () => {} });

/** Events kept by name, refusing a second one of the same name as the API server does. */
function eventStore() {
  const byName = new Map<string, EventsV1Event>();
  const sink: EventSink = async (_ns, body) => {
    const name = body.metadata?.name ?? "";
    if (byName.has(name)) throw Object.assign(new Error("AlreadyExists"), { code: 409 });
    byName.set(name, body);
  };
  return { sink, events: () => [...byName.values()] };
}

const mf = (manager: string, fieldsV1: object) => [
  { manager, operation: "Update", time: "2026-12-06T11:00:00Z", fieldsType: "FieldsV1", fieldsV1 },
];

function world(step: number, reconciled: boolean): ObservedObject[] {
  const status = reconciled ? { status: { observedGeneration: 1 } } : {};
  const rk = observeRelayKey(
    {
      metadata: {
        name: "app",
        namespace: "team-a",
        uid: "uid-rk",
        generation: step >= 1 ? 2 : 1,
        creationTimestamp: "2026-12-06T10:00:00Z",
        managedFields: mf("kubectl-patch", { "f:spec": { "f:disabled": {} } }),
      },
      spec: { policyRef: { name: "default" }, secretName: "k", disabled: step >= 1 },
      ...status,
    } as unknown as KubernetesObject,
    undefined,
  );
  const policy = observePolicy({
    metadata: {
      name: "default",
      namespace: "team-a",
      uid: "uid-p",
      generation: step >= 2 ? 2 : 1,
      managedFields: mf("flux", { "f:spec": { "f:content": { "f:mode": {} } } }),
    },
    spec: { content: { mode: step >= 2 ? "encrypted" : "off" } },
    ...status,
  } as unknown as KubernetesObject);
  return [...(rk && step < 3 ? [rk] : []), ...(policy ? [policy] : [])];
}

const rows = async (db: Database) =>
  (
    await db.query<{ kind: string; action: string; marker: string; actor: string | null; detail: unknown }>(
      "SELECT kind, action, marker, actor, detail FROM audit_events ORDER BY id",
    )
  ).rows;

describe.each(databaseKinds)("the audit on the $kind database", ({ open }) => {
  const fresh = databasePerTest(open);

  it("records each change once as a row and an Event; a restarted auditor replaying the same list adds nothing", async () => {
    const t = await fresh();
    const events = eventStore();
    const run = async (steps: Array<[number, boolean]>) => {
      const store = new AuditStore({ db: t?.db as Database, flushIntervalMs: 60_000 });
      const auditor = new Auditor({ log: quiet, store, events: { sink: events.sink, instance: "op-1" } });
      for (const [step, reconciled] of steps) await auditor.observe(world(step, reconciled));
      await auditor.idle();
      expect(await store.close()).toBe(0);
    };
    await run([
      [0, false],
      [1, true],
      [2, true],
    ]);
    const first = await rows(t.db);
    expect(first.map((r) => [r.kind, r.action, r.marker, r.actor])).toEqual([
      ["RelayKey", "created", "", "kubectl-patch"],
      ["Policy", "created", "", "flux"],
      ["RelayKey", "disabled", "generation:2", "kubectl-patch"],
      ["Policy", "content_mode_changed", "generation:2", "flux"],
    ]);
    expect(first[3]?.detail).toEqual({ from: "off", to: "encrypted" });
    expect(events.events().map((e) => e.reason)).toEqual([
      "RelayKeyCreated",
      "PolicyCreated",
      "RelayKeyDisabled",
      "PolicyContentModeChanged",
    ]);

    // A restart: the same objects listed again, even as if never reconciled, record nothing more.
    await run([
      [2, true],
      [2, false],
    ]);
    expect(await rows(t.db)).toEqual(first);
    expect(events.events()).toHaveLength(4);

    // Deleted while no operator ran: the next one finds it gone from the list, and says so once.
    await run([[3, true]]);
    await run([[3, true]]);
    const last = await rows(t.db);
    expect(last.slice(4).map((r) => [r.action, r.actor])).toEqual([["deleted", null]]);
  });
});

describe("the audit with its database away", () => {
  const broken: Database = {
    kind: "postgres",
    query: async () => {
      throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
    },
    exec: async () => {
      throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
    },
    withConnection: async () => {
      throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
    },
    close: async () => {},
  };

  it("still sends Events, keeps rows queued to retry, and counts the rows it must drop", async () => {
    let written: unknown[] = [];
    let fail = true;
    const flaky: Database = {
      ...broken,
      query: async (_sql, params) => {
        if (fail) throw new Error("connect ECONNREFUSED");
        written = [...written, ...(params ?? [])];
        return { rows: [], rowCount: 0 };
      },
    };
    const dropped = { n: 0 };
    const store = new AuditStore({
      db: flaky,
      maxPending: 3,
      flushIntervalMs: 60_000,
      metrics: {
        rowsWritten: { inc: () => {} },
        rowsDropped: { inc: (n) => (dropped.n += n) },
        writeErrors: { inc: () => {} },
        pending: { set: () => {} },
      },
    });
    const events = eventStore();
    const auditor = new Auditor({
      log: quiet,
      store,
      storeReady: Promise.resolve(),
      events: { sink: events.sink, instance: "op" },
    });
    // Five changes: the history read fails (taken as found), then two objects created, ...
    await auditor.observe(world(0, false));
    await auditor.observe(world(1, false));
    await auditor.observe(world(2, false));
    await auditor.observe(world(3, false));
    await auditor.idle();
    expect(events.events().map((e) => e.reason)).toEqual([
      "RelayKeyCreated",
      "PolicyCreated",
      "RelayKeyDisabled",
      "PolicyContentModeChanged",
      "RelayKeyDeleted",
    ]);
    expect(store.backlog).toBe(3);
    expect(dropped.n).toBe(2);
    fail = false;
    await store.flush();
    expect(store.backlog).toBe(0);
    expect(written).toContain("created");
    expect(await store.close()).toBe(0);
  });
});
