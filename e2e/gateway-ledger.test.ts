/**
 * The usage ledger of a gateway process, on the machine's PostgreSQL (reached through a proxy
 * the test cuts, to take the database away without stopping it for everyone else) and on the
 * embedded one: every authenticated request gets exactly one row, outage or not.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import OpenAI from "openai";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openEmbedded } from "../common/db/embedded.js";
import { TEST_DATABASE_URL } from "../common/db/testing/test-databases.js";
import { type CuttableProxy, startCuttableProxy } from "./harness/cuttable-proxy.js";
import { type GatewayLedgerDatabase, gatewayLedgerDatabase } from "./harness/gateway-ledger-database.js";
import { cliEntry, type KuberelayProcess, startKuberelay } from "./harness/kuberelay-process.js";
import { standaloneConfig } from "./harness/standalone-config.js";
import { waitFor } from "./harness/wait-for.js";
import { type MockProvider, startMockProvider } from "./mock-provider/server.js";

const dir = mkdtempSync(join(tmpdir(), "kuberelay-ledger-"));
const providerKey = `sk-${randomBytes(24).toString("hex")}`;
const relayKey = `krk_${randomBytes(32).toString("base64url")}`;
// The server trusts loopback, so any password is accepted: it is here to be looked for in the output.
const dbPassword = randomBytes(18).toString("base64url");
const schema = `kr_ledger_${process.pid}_${randomBytes(4).toString("hex")}`;
let mock: MockProvider;
/** Streams slowly enough that a burst of requests is all in flight at once. */
let slowMock: MockProvider;
let proxy: CuttableProxy;
const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });

beforeAll(async () => {
  mock = await startMockProvider({ openaiKey: providerKey, chunkDelayMs: 5 });
  slowMock = await startMockProvider({ openaiKey: providerKey, chunkDelayMs: 400 });
  standaloneConfig(join(dir, "config"), { upstreamURL: `${mock.url}/v1`, providerKey, relayKey });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  const target = new URL(TEST_DATABASE_URL);
  proxy = await startCuttableProxy({ host: target.hostname, port: Number(target.port || 5432) });
});

afterAll(async () => {
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
  await admin.end();
  await proxy?.close();
  await mock?.close();
  await slowMock?.close();
  rmSync(dir, { recursive: true, force: true });
});

function startGateway(
  name: string,
  ledgerArgs: string[],
  o: { config?: string; env?: Record<string, string> } = {},
): KuberelayProcess {
  const args = ["gateway", "--config-dir", o.config ?? join(dir, "config"), "--host", "127.0.0.1"];
  return startKuberelay(
    name,
    [...args, "--port", "0", "--metrics-port", "0", ...ledgerArgs],
    o.env ?? {},
    join(dir, `${name}.log`),
  );
}

async function baseURL(gateway: KuberelayProcess): Promise<string> {
  const line = await gateway.waitForLine((l) => l.msg === "listening");
  return `http://127.0.0.1:${line.port}/v1`;
}

/** A chat (or a stream) through the gateway; the request id the gateway gave it. */
async function chat(url: string, stream = false): Promise<string> {
  const client = new OpenAI({ apiKey: relayKey, baseURL: url, maxRetries: 0 });
  const messages = [{ role: "user" as const, content: "ledger" }];
  if (stream) {
    const { data, response } = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages, stream: true, stream_options: { include_usage: true } })
      .withResponse();
    for await (const _ of data) {
      // read to the end
    }
    return response.headers.get("x-kuberelay-request-id") ?? "";
  }
  const { response } = await client.chat.completions
    .create({ model: "gpt-4o-mini", messages })
    .withResponse();
  return response.headers.get("x-kuberelay-request-id") ?? "";
}

async function refused(url: string): Promise<void> {
  const client = new OpenAI({ apiKey: "krk_not-a-key", baseURL: url, maxRetries: 0 });
  await expect(client.chat.completions.create({ model: "gpt-4o-mini", messages: [] })).rejects.toThrow(/401/);
}

/** How long the database is away; a minute, as an outage worth surviving lasts at least that. */
const OUTAGE_MS = 60_000;

describe("the usage ledger in PostgreSQL", () => {
  it("writes exactly one row per authenticated request, across a minute-long outage of the database mid-load", async () => {
    const options = encodeURIComponent(`-c search_path=${schema}`);
    const url = `postgres://postgres:${dbPassword}@127.0.0.1:${proxy.port}/test?options=${options}`;
    const gateway = startGateway("gateway-pg", ["--database-url", url]);
    try {
      const api = await baseURL(gateway);
      expect(gateway.lines.find((l) => l.msg === "usage ledger ready")).toMatchObject({
        database: "postgres",
      });
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) ids.push(await chat(api, i % 4 === 0));
      await refused(api);

      // Four callers keep asking (every fourth request streamed) while PostgreSQL goes away for a
      // minute and comes back: nothing waits for the database, and no row is lost or doubled.
      let loading = true;
      const callers = Array.from({ length: 4 }, async (_, c) => {
        for (let i = 0; loading; i++) {
          ids.push(await chat(api, (i + c) % 4 === 0));
          await new Promise((r) => setTimeout(r, 40));
        }
      });
      await new Promise((r) => setTimeout(r, 2_000));
      proxy.cut();
      const cutAt = ids.length;
      await gateway.waitForLine((l) => l.msg === "usage ledger write failed; rows stay queued", 10_000);
      await refused(api);
      await new Promise((r) => setTimeout(r, OUTAGE_MS));
      const servedDuringOutage = ids.length - cutAt;
      proxy.restore();
      await new Promise((r) => setTimeout(r, 2_000));
      loading = false;
      await Promise.all(callers);
      expect(servedDuringOutage).toBeGreaterThan(OUTAGE_MS / 100);

      const count = async () =>
        (
          await admin.query<{ id: string; n: string }>(
            `SELECT request_id AS id, count(*) AS n FROM "${schema}".usage_events GROUP BY 1`,
          )
        ).rows;
      await waitFor(
        "every row written",
        async () => ((await count()).length === ids.length ? true : undefined),
        45_000,
      );
      const rows = await count();
      expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
      expect(rows.every((r) => r.n === "1")).toBe(true);
      console.info(
        `ledger outage: ${ids.length} requests, ${servedDuringOutage} of them while PostgreSQL was away for ${OUTAGE_MS / 1000} s; one row each`,
      );
      const detail = await admin.query(
        `SELECT DISTINCT relay_key, policy, status, streamed, cancelled FROM "${schema}".usage_events ORDER BY streamed`,
      );
      expect(detail.rows).toEqual([
        { relay_key: "bench/bench", policy: "bench/bench", status: 200, streamed: false, cancelled: false },
        { relay_key: "bench/bench", policy: "bench/bench", status: 200, streamed: true, cancelled: false },
      ]);
      expect(await gateway.stop()).toBe(0);
      expect(gateway.output()).not.toContain(dbPassword);
    } finally {
      await gateway.stop();
    }
  }, 180_000);
});

describe("the usage ledger's spool", () => {
  it("keeps the rows of a gateway stopped while the database is away, for the next one to write", async () => {
    const schema2 = `${schema}_spool`;
    await admin.query(`CREATE SCHEMA "${schema2}"`);
    const url = `postgres://postgres@127.0.0.1:${proxy.port}/test?options=${encodeURIComponent(`-c search_path=${schema2}`)}`;
    const spool = join(dir, "spool");
    const args = ["--database-url", url, "--ledger-spool-dir", spool];
    const rows = async () =>
      (await admin.query<{ id: string }>(`SELECT request_id AS id FROM "${schema2}".usage_events`)).rows.map(
        (r) => r.id,
      );
    const ids: string[] = [];
    const first = startGateway("gateway-spool-1", args);
    try {
      const api = await baseURL(first);
      for (let i = 0; i < 3; i++) ids.push(await chat(api));
      await waitFor("the first rows written", async () => ((await rows()).length === 3 ? true : undefined));
      proxy.cut();
      for (let i = 0; i < 4; i++) ids.push(await chat(api, i === 0));
      expect(await first.stop()).toBe(0);
      expect(readdirSync(spool).filter((f) => f.endsWith(".ndjson"))).toHaveLength(1);
    } finally {
      proxy.restore();
      await first.stop();
    }
    const second = startGateway("gateway-spool-2", args);
    try {
      await baseURL(second);
      await waitFor(
        "the spooled rows written",
        async () => ((await rows()).length === ids.length ? true : undefined),
        20_000,
      );
      expect((await rows()).sort()).toEqual([...ids].sort());
      expect(readdirSync(spool).filter((f) => f.endsWith(".ndjson"))).toEqual([]);
    } finally {
      await second.stop();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema2}" CASCADE`);
    }
  });
});

describe("the usage ledger in the embedded database", () => {
  it("keeps the rows in its data directory, which one gateway holds at a time", async () => {
    const dataDir = join(dir, "data");
    const gateway = startGateway("gateway-embedded", ["--data-dir", dataDir]);
    const ids: string[] = [];
    try {
      const api = await baseURL(gateway);
      expect(gateway.lines.find((l) => l.msg === "usage ledger ready")).toMatchObject({
        database: "embedded",
      });
      for (let i = 0; i < 5; i++) ids.push(await chat(api, i === 0));
      await refused(api);

      const second = startGateway("gateway-embedded-2", ["--data-dir", dataDir]);
      expect(await second.exited).not.toBe(0);
      expect(second.output()).toContain(`in use by process ${gateway.pid}`);
      // SIGTERM writes what is queued before the gateway exits.
      expect(await gateway.stop()).toBe(0);
    } finally {
      await gateway.stop();
    }
    const db = await openEmbedded(dataDir);
    try {
      const rows = await db.query<{ request_id: string }>("SELECT request_id FROM usage_events");
      expect(rows.rows.map((r) => r.request_id).sort()).toEqual([...ids].sort());
    } finally {
      await db.close();
    }
  });
});

/** $1 per thousand tokens, in and out. */
const pricing = { "gpt-4o-mini": { inputPerMillionTokens: 1000, outputPerMillionTokens: 1000 } };

async function ask(url: string, body: string, key = relayKey) {
  const res = await fetch(`${url}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body,
  });
  return { status: res.status, text: await res.text() };
}

// The issue's three checks (a budget burst, budgets across a restart, a cancelled stream) and
// content capture, on each kind of database a gateway can keep its ledger in.
describe.each(["postgres", "embedded"] as const)("a gateway whose ledger is %s", (kind) => {
  let ledger: GatewayLedgerDatabase | undefined;
  const fresh = async (label: string) => {
    ledger = await gatewayLedgerDatabase(kind, dir, label);
    return ledger;
  };
  afterEach(async () => {
    await ledger?.drop();
    ledger = undefined;
  });

  it("admits 5 of 50 requests sent at once against a budget worth 5, and the ledger's spend stays within it", async () => {
    // Slow streams: the first five still hold their reservations when the other 45 arrive.
    const body = JSON.stringify({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "x" }],
      stream: true,
    });
    const outputCap = 1000;
    const reserve = ((Buffer.byteLength(body) + outputCap) * 1000) / 1e6;
    const budget = Number((reserve * 5.5).toFixed(6));
    const config = join(dir, `${kind}-burst-config`);
    standaloneConfig(config, {
      upstreamURL: `${slowMock.url}/v1`,
      providerKey,
      relayKey,
      provider: { pricing },
      policy: { limits: { maxOutputTokens: outputCap }, budget: { usdPerDay: budget } },
    });
    const db = await fresh("burst");
    const gateway = startGateway(`gateway-burst-${kind}`, [...db.args], { config });
    let answers: { status: number; text: string }[];
    try {
      const api = await baseURL(gateway);
      answers = await Promise.all(Array.from({ length: 50 }, () => ask(api, body)));
      expect(await gateway.stop()).toBe(0);
    } finally {
      await gateway.stop();
    }
    expect(answers.filter((a) => a.status === 200)).toHaveLength(5);
    const refused = answers.filter((a) => a.status !== 200);
    expect(refused.every((a) => a.status === 429 && /budget/.test(a.text))).toBe(true);
    const [spent] = await db.read<{ admitted: string; cost: string }>(
      "SELECT count(*) FILTER (WHERE status = 200) AS admitted, coalesce(sum(cost_usd), 0)::text AS cost FROM usage_events",
    );
    expect(Number(spent?.admitted)).toBe(5);
    expect(Number(spent?.cost)).toBeGreaterThan(0);
    expect(Number(spent?.cost)).toBeLessThanOrEqual(budget);
    console.info(
      `budget burst (${kind}): 5 of 50 admitted; spend ${spent?.cost} USD of a ${budget} USD budget`,
    );
  });

  it("keeps a budget spent before a restart spent", async () => {
    // The Policy caps output at 1 token: each request costs $0.006 (5 + 1 tokens).
    const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "ledger" }] });
    // Room for one request's reservation (every byte an input token, plus 1 output) and $0.003 more.
    const budget = ((Buffer.byteLength(body) + 1) * 1000) / 1e6 + 0.003;
    const config = join(dir, `${kind}-budget-config`);
    standaloneConfig(config, {
      upstreamURL: `${mock.url}/v1`,
      providerKey,
      relayKey,
      provider: { pricing },
      policy: { limits: { maxOutputTokens: 1 }, budget: { usdPerDay: Number(budget.toFixed(6)) } },
    });
    const db = await fresh("restart");
    const start = (name: string) => startGateway(`${name}-${kind}`, [...db.args], { config });
    const first = start("gateway-budget-1");
    try {
      const api = await baseURL(first);
      expect((await ask(api, body)).status).toBe(200);
      const spent = await ask(api, body);
      expect(spent.status).toBe(429);
      expect(spent.text).toContain("daily budget");
      expect(await first.stop()).toBe(0);
    } finally {
      await first.stop();
    }
    const second = start("gateway-budget-2");
    try {
      const api = await baseURL(second);
      expect(second.lines.find((l) => l.msg === "budgets resumed from the usage ledger")?.scopes).toBe(3);
      const after = await ask(api, body);
      expect(after.status).toBe(429);
      expect(after.text).toContain("daily budget");
    } finally {
      await second.stop();
    }
  });

  it("starts a budget added to a running gateway's config from what the ledger says was spent today", async () => {
    // Each request costs $0.006 (5 + 1 tokens at $1 per thousand); the Policy has no budget yet.
    const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "ledger" }] });
    const config = join(dir, `${kind}-added-budget-config`);
    const write = (policy: Parameters<typeof standaloneConfig>[1]["policy"]) =>
      standaloneConfig(config, {
        upstreamURL: `${mock.url}/v1`,
        providerKey,
        relayKey,
        provider: { pricing },
        policy,
      });
    write({ limits: { maxOutputTokens: 1 } });
    const db = await fresh("added");
    const gateway = startGateway(`gateway-added-budget-${kind}`, [...db.args], { config });
    try {
      const api = await baseURL(gateway);
      for (let i = 0; i < 3; i++) expect((await ask(api, body)).status).toBe(200);
      // Written to the ledger (at least once a second) before the budget arrives.
      await new Promise((r) => setTimeout(r, 1_500));
      // Room for one request's reservation, but not beside the $0.018 already spent today.
      const budget = ((Buffer.byteLength(body) + 1) * 1000) / 1e6 + 0.01;
      write({ limits: { maxOutputTokens: 1 }, budget: { usdPerDay: Number(budget.toFixed(6)) } });
      await gateway.waitForLine(
        (l) => l.msg === "budgets resumed from the usage ledger" && l.scopes === 3,
        15_000,
      );
      const refused = await ask(api, body);
      expect(refused.status).toBe(429);
      expect(refused.text).toContain("daily budget");
    } finally {
      await gateway.stop();
    }
  });

  it("bills a stream the caller cancels: the prompt and what was streamed before the caller left", async () => {
    const config = join(dir, `${kind}-cancel-config`);
    standaloneConfig(config, { upstreamURL: `${mock.url}/v1`, providerKey, relayKey, provider: { pricing } });
    const db = await fresh("cancel");
    const gateway = startGateway(`gateway-cancel-${kind}`, [...db.args], { config });
    let id = "";
    try {
      const client = new OpenAI({ apiKey: relayKey, baseURL: await baseURL(gateway), maxRetries: 0 });
      const { data, response } = await client.chat.completions
        .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "cancel me" }], stream: true })
        .withResponse();
      id = response.headers.get("x-kuberelay-request-id") ?? "";
      for await (const _ of data) break; // leaves after the first chunk: the SDK aborts the request
      // The row is written once the gateway has read the rest of the stream for its usage.
      await gateway.waitForLine((l) => l.msg === "request" && l.requestId === id);
      expect(await gateway.stop()).toBe(0);
    } finally {
      await gateway.stop();
    }
    const rows = await db.read<{
      cancelled: boolean;
      input_tokens: string;
      output_tokens: string;
      cost: string;
    }>(
      "SELECT cancelled, input_tokens, output_tokens, cost_usd::text AS cost FROM usage_events WHERE request_id = $1",
      [id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.cancelled).toBe(true);
    expect(Number(rows[0]?.input_tokens)).toBeGreaterThan(0);
    expect(Number(rows[0]?.output_tokens)).toBeGreaterThan(0);
    expect(Number(rows[0]?.cost)).toBeGreaterThan(0);
  });

  it("captures content encrypted: the table holds only ciphertext, and kuberelay decrypt opens it with the content key", async () => {
    const contentKey = randomBytes(32).toString("base64");
    const config = join(dir, `${kind}-content-config`);
    standaloneConfig(config, {
      upstreamURL: `${mock.url}/v1`,
      providerKey,
      relayKey,
      policy: { content: { mode: "encrypted", retentionDays: 7 } },
    });
    const db = await fresh("content");
    const gateway = startGateway(`gateway-content-${kind}`, [...db.args], {
      config,
      env: { KUBERELAY_CONTENT_KEY: contentKey },
    });
    const ids: string[] = [];
    const marker = "marker-9c1e";
    try {
      const api = await baseURL(gateway);
      const client = new OpenAI({ apiKey: relayKey, baseURL: api, maxRetries: 0 });
      const messages = [{ role: "user" as const, content: `please repeat ${marker}` }];
      const plain = await client.chat.completions.create({ model: "gpt-4o-mini", messages }).withResponse();
      ids.push(plain.response.headers.get("x-kuberelay-request-id") ?? "");
      const streamed = await client.chat.completions
        .create({ model: "gpt-4o-mini", messages, stream: true, stream_options: { include_usage: true } })
        .withResponse();
      for await (const _ of streamed.data) {
        // read to the end
      }
      ids.push(streamed.response.headers.get("x-kuberelay-request-id") ?? "");
      expect(await gateway.stop()).toBe(0);
      expect(gateway.output()).not.toContain(contentKey);
    } finally {
      await gateway.stop();
    }
    // The table as anyone with database access reads it: no prompt, no answer.
    const raw = await db.read<{
      request_id: string;
      encoding: string;
      key_id: string;
      request: Uint8Array;
      response: Uint8Array;
    }>("SELECT request_id, encoding, key_id, request, response FROM usage_content");
    expect(raw.map((r) => r.request_id).sort()).toEqual([...ids].sort());
    for (const row of raw) {
      expect(row.encoding).toBe("aes-256-gcm");
      expect(row.key_id).toMatch(/^content:[0-9a-f]{16}$/);
      for (const bytes of [row.request, row.response]) {
        expect(Buffer.from(bytes).includes(Buffer.from(marker))).toBe(false);
        expect(Buffer.from(bytes).includes(Buffer.from("gpt-4o-mini"))).toBe(false);
      }
    }
    const decrypt = (env: Record<string, string>, id: string) =>
      promisify(execFile)(process.execPath, [cliEntry, "decrypt", ...db.args, "--request-id", id], {
        env: { PATH: process.env.PATH ?? "", ...env },
      });
    for (const id of ids) {
      const { stdout } = await decrypt({ KUBERELAY_CONTENT_KEY: contentKey }, id);
      const opened = JSON.parse(stdout) as { request: string; response: string; encoding: string };
      expect(opened.request).toContain(marker);
      expect(opened.response.length).toBeGreaterThan(0);
    }
    // Another key cannot open it, and says which key it needs (by id, never the key).
    const wrong = await decrypt(
      { KUBERELAY_CONTENT_KEY: randomBytes(32).toString("base64") },
      ids[0] ?? "",
    ).catch((e: { code?: number; stderr?: string }) => e);
    expect((wrong as { code?: number }).code).toBe(1);
    expect((wrong as { stderr?: string }).stderr).toMatch(/is sealed with content:[0-9a-f]{16}/);
  });
});
