import { createHash, randomBytes } from "node:crypto";
import type { EventsV1Event, KubernetesObject } from "@kubernetes/client-node";
import { describe, expect, it, vi } from "vitest";
import { databasePerTest, testPostgres } from "../../common/db/testing/test-databases.js";
import { createLogger } from "../../common/log.js";
import { createOperatorMetrics } from "../metrics.js";
import { auditSnapshot } from "./audit-snapshot.js";
import { AuditStore } from "./audit-store.js";
import { Auditor } from "./auditor.js";

vi.setConfig({ testTimeout: 30_000 });

/** Every form a value could leak in: itself, base64 (as in a Secret), and common digests. */
function forms(value: string): string[] {
  const b = Buffer.from(value);
  return [
    value,
    b.toString("base64"),
    b.toString("base64url"),
    b.toString("hex"),
    createHash("sha256").update(b).digest("hex"),
    createHash("sha256").update(b).digest("base64"),
    createHash("sha256").update(b).digest("base64url"),
  ];
}

describe("the audit never writes a credential", () => {
  const fresh = databasePerTest(testPostgres);

  it("not in a row, an Event, a log line or a metric, from a Secret of 500 keys whose credential changes", async () => {
    const t = await fresh();
    const lines: string[] = [];
    const log = createLogger("operator", { sink: (l) => lines.push(l) });
    const metrics = createOperatorMetrics();
    const events: EventsV1Event[] = [];
    const store = new AuditStore({ db: t.db, flushIntervalMs: 60_000 });
    const auditor = new Auditor({
      log,
      store,
      events: { sink: async (_ns, body) => events.push(body), instance: "op" },
      metrics: { changes: metrics.auditChanges },
    });
    const secrets: string[] = [];
    const values = new Map<string, string>();
    const version = (v: number) => {
      for (let i = 0; i < 500; i++) {
        const value = `sk-${randomBytes(24).toString("hex")}`;
        secrets.push(value);
        values.set(`platform/upstream/key-${i}`, value);
      }
      return { resourceVersion: String(v), managedFields: [] };
    };
    const providerKey = {
      metadata: { name: "openai", namespace: "platform", uid: "uid-pk", generation: 1 },
      spec: { provider: "openai", credentials: { secretKeyRef: { name: "upstream", key: "key-7" } } },
    } as KubernetesObject;
    const look = async (meta: { resourceVersion: string }) =>
      auditor.observe(
        auditSnapshot({
          relayKeys: [],
          policies: [],
          providerKeys: [providerKey],
          ownedSecret: () => undefined,
          secretsRead: new Set(["platform/upstream"]),
          secretsFound: new Map([["platform/upstream", meta]]),
          values,
          fingerprint: auditor.fingerprint,
        }),
      );
    expect((await look(version(1))).map((r) => r.action)).toEqual(["created"]);
    expect((await look(version(2))).map((r) => [r.action, r.detail])).toEqual([
      ["credential_changed", { secret: "upstream", key: "key-7" }],
    ]);
    await auditor.idle();
    expect(await store.close()).toBe(0);

    const table = JSON.stringify((await t.db.query("SELECT * FROM audit_events")).rows);
    expect(table).toContain("key-7");
    const texts = {
      rows: table,
      events: JSON.stringify(events),
      logs: lines.join("\n"),
      metrics: await metrics.registry.metrics(),
    };
    expect(texts.events).toContain('Secret \\"upstream\\" key \\"key-7\\" changed');
    for (const [where, text] of Object.entries(texts)) {
      for (const secret of secrets) {
        for (const form of forms(secret)) {
          if (text.includes(form)) throw new Error(`a credential reached the audit's ${where}`);
        }
      }
    }
  });
});
