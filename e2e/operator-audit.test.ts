/**
 * The audit trail on a real kube-apiserver: changes made with kubectl under named field managers
 * reach the audit_events table and the objects' Events with that manager as the actor, names
 * only; a restarted operator, listing everything again, records none of them twice.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DATABASE_URL } from "../common/db/testing/test-databases.js";
import type { KuberelayProcess } from "./harness/kuberelay-process.js";
import { type Stack, startStack } from "./harness/kuberelay-stack.js";
import { applyQuickstart } from "./harness/quickstart-manifests.js";
import { waitFor } from "./harness/wait-for.js";

const NS = "team-audit";
const schema = `kr_audit_${process.pid}_${randomBytes(4).toString("hex")}`;
const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
let stack: Stack;

interface Row {
  kind: string;
  name: string;
  action: string;
  marker: string;
  actor: string | null;
  actor_operation: string | null;
  actor_source: string;
  detail: Record<string, unknown>;
}

const rows = async (): Promise<Row[]> =>
  (
    await admin.query<Row>(
      `SELECT kind, name, action, marker, actor, actor_operation, actor_source, detail
       FROM "${schema}".audit_events WHERE namespace = $1 ORDER BY id`,
      [NS],
    )
  ).rows;

async function waitRow(kind: string, name: string, action: string): Promise<Row> {
  return waitFor(`the ${action} row of ${kind}/${name}`, async () => {
    // The table appears once the operator has migrated.
    const all = await rows().catch(() => []);
    return all.find((r) => r.kind === kind && r.name === name && r.action === action);
  });
}

interface Event {
  reason: string;
  message?: string;
  involvedObject: { kind: string; name: string };
}

const events = async (): Promise<Event[]> =>
  (
    JSON.parse((await stack.cp.kubectl(["get", "events", "-n", NS, "-o", "json"])).stdout) as {
      items: Event[];
    }
  ).items;

const auditEvents = async () =>
  (await events()).filter((e) => /(Created|Disabled|Enabled|Deleted|Rotated|Changed)$/.test(e.reason));

async function waitEvent(reason: string, name: string): Promise<Event> {
  return waitFor(`a ${reason} Event on ${name}`, async () =>
    (await events()).find((e) => e.reason === reason && e.involvedObject.name === name),
  );
}

const patch = (resource: string, manager: string, body: object) =>
  stack.cp.kubectl([
    "patch",
    "-n",
    NS,
    resource,
    "--type",
    "merge",
    `--field-manager=${manager}`,
    "-p",
    JSON.stringify(body),
  ]);

beforeAll(async () => {
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  stack = await startStack({ gateways: 1, operatorEnv: { DATABASE_URL: url.toString() } });
  await applyQuickstart(stack, NS);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
  await admin.end();
});

describe("operator audit trail", () => {
  let before: { rows: Row[]; events: Event[] };

  it("records who created, disabled, rotated and deleted a RelayKey, with that field manager as the actor", async () => {
    const relayKey = {
      apiVersion: "kuberelay.dev/v1alpha1",
      kind: "RelayKey",
      metadata: { name: "audited", namespace: NS },
      spec: { policyRef: { name: "default" }, secretName: "audited-relay-key" },
    };
    await stack.cp.kubectl(["create", "--field-manager=alice-pipeline", "-f", "-"], JSON.stringify(relayKey));
    expect(await waitRow("RelayKey", "audited", "created")).toMatchObject({
      actor: "alice-pipeline",
      actor_operation: "Update",
      actor_source: "field-owner",
      detail: { disabled: false },
    });
    expect((await waitEvent("RelayKeyCreated", "audited")).message).toContain('"alice-pipeline"');

    await patch("relaykey/audited", "oncall-bob", { spec: { disabled: true } });
    const disabled = await waitRow("RelayKey", "audited", "disabled");
    expect(disabled).toMatchObject({
      actor: "oncall-bob",
      actor_source: "field-owner",
      marker: "generation:2",
    });
    expect((await waitEvent("RelayKeyDisabled", "audited")).message).toMatch(
      /RelayKey team-audit\/audited disabled by field manager "oncall-bob" \(Update at /,
    );

    await waitFor("the key Secret", async () =>
      (
        await stack.cp.kubectl(["get", "secret", "-n", NS, "audited-relay-key", "--ignore-not-found"])
      ).stdout.trim()
        ? true
        : undefined,
    );
    await patch("relaykey/audited", "rotation-bot", {
      spec: { rotation: { requestedAt: new Date().toISOString(), gracePeriodSeconds: 0 } },
    });
    expect(await waitRow("RelayKey", "audited", "rotated")).toMatchObject({
      actor: "rotation-bot",
      actor_source: "field-owner",
    });
    await waitEvent("RelayKeyRotated", "audited");

    await stack.cp.kubectl(["delete", "relaykey", "-n", NS, "audited"]);
    expect(await waitRow("RelayKey", "audited", "deleted")).toMatchObject({
      actor: null,
      actor_source: "unknown",
    });
    await waitEvent("RelayKeyDeleted", "audited");
  });

  it("records a ProviderKey's credential changing in its Secret, by Secret and key name only", async () => {
    const rotated = `sk-${randomBytes(24).toString("hex")}`;
    stack.canaries.add("the rotated provider credential", rotated);
    await stack.cp.kubectl([
      "patch",
      "-n",
      NS,
      "secret",
      "openai-credentials",
      "--type",
      "merge",
      "--field-manager=vault-sync",
      "-p",
      JSON.stringify({ data: { apiKey: Buffer.from(rotated).toString("base64") } }),
    ]);
    const row = await waitRow("ProviderKey", "openai", "credential_changed");
    expect(row).toMatchObject({
      actor: "vault-sync",
      actor_source: "field-owner",
      detail: { secret: "openai-credentials", key: "apiKey" },
    });
    expect(row.marker).toMatch(/^secret:\d+$/);
    const event = await waitEvent("ProviderKeyCredentialChanged", "openai");
    expect(event.message).toContain('credential in Secret "openai-credentials" key "apiKey" changed');
    expect(event.message).toContain('"vault-sync"');
    for (const text of [JSON.stringify(await rows()), JSON.stringify(await events())]) {
      expect(text).not.toContain(rotated);
      expect(text).not.toContain(stack.providerSecret);
    }
  });

  it("records a Policy's content mode flipping from and to, with the manager that flipped it", async () => {
    await patch("policy/default", "privacy-officer", { spec: { content: { mode: "encrypted" } } });
    const row = await waitRow("Policy", "default", "content_mode_changed");
    expect(row).toMatchObject({
      actor: "privacy-officer",
      actor_source: "field-owner",
      detail: { from: "off", to: "encrypted" },
    });
    expect((await waitEvent("PolicyContentModeChanged", "default")).message).toContain(
      'content mode changed from off to encrypted by field manager "privacy-officer"',
    );
    before = { rows: await rows(), events: await auditEvents() };
  });

  it("a restarted operator lists everything again and records nothing twice", async () => {
    const old = stack.operator;
    expect(await old.stop()).toBe(0);
    const next: KuberelayProcess = await stack.addOperator();
    await next.waitForLine((l) => l.msg === "leading", 60_000);
    await next.waitForLine((l) => l.msg === "audit history read", 60_000);
    // A change that makes the new leader compile (and look) again, auditing nothing.
    await stack.cp.kubectl(["label", "-n", NS, "policy/default", "touched=yes"]);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await rows()).toEqual(before.rows);
    expect((await auditEvents()).length).toBe(before.events.length);
    expect(next.lines.filter((l) => l.msg === "audit")).toEqual([]);
  });
});
