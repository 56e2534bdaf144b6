/**
 * The admin API of a real gateway process with its ledger in the machine's PostgreSQL: requests
 * through the official OpenAI SDK, then spend and tokens read back over HTTP (JSON, CSV) and
 * through `kuberelay usage`, with the admin token checked and never shown.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import OpenAI from "openai";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DATABASE_URL } from "../common/db/testing/test-databases.js";
import { cliEntry, type KuberelayProcess, startKuberelay } from "./harness/kuberelay-process.js";
import { standaloneConfig } from "./harness/standalone-config.js";
import { waitFor } from "./harness/wait-for.js";
import { type MockProvider, startMockProvider } from "./mock-provider/server.js";

const dir = mkdtempSync(join(tmpdir(), "kuberelay-admin-"));
const providerKey = `sk-${randomBytes(24).toString("hex")}`;
const relayKey = `krk_${randomBytes(32).toString("base64url")}`;
const adminToken = randomBytes(32).toString("hex");
const schema = `kr_admin_${process.pid}_${randomBytes(4).toString("hex")}`;
const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
let mock: MockProvider;
let gateway: KuberelayProcess;
let admin = "";
let metrics = "";

beforeAll(async () => {
  mock = await startMockProvider({ openaiKey: providerKey });
  standaloneConfig(join(dir, "config"), {
    upstreamURL: `${mock.url}/v1`,
    providerKey,
    relayKey,
    // $1 per thousand tokens: every request costs something.
    provider: { pricing: { "gpt-4o-mini": { inputPerMillionTokens: 1000, outputPerMillionTokens: 1000 } } },
  });
  await db.connect();
  await db.query(`CREATE SCHEMA "${schema}"`);
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  gateway = startKuberelay(
    "gateway-admin",
    [
      ...["gateway", "--config-dir", join(dir, "config"), "--host", "127.0.0.1", "--port", "0"],
      ...["--metrics-port", "0", "--admin-port", "0", "--database-url", url.href],
    ],
    { KUBERELAY_ADMIN_TOKEN: adminToken },
    join(dir, "gateway.log"),
  );
  const adminLine = await gateway.waitForLine((l) => l.msg === "admin API listening");
  admin = `http://127.0.0.1:${adminLine.adminPort}`;
  const listening = await gateway.waitForLine((l) => l.msg === "listening");
  metrics = `http://127.0.0.1:${listening.metricsPort}`;
  const client = new OpenAI({
    apiKey: relayKey,
    baseURL: `http://127.0.0.1:${listening.port}/v1`,
    maxRetries: 0,
  });
  const messages = [{ role: "user" as const, content: "how much did this cost?" }];
  for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: "gpt-4o-mini", messages });
  const stream = await client.chat.completions.create({
    model: "gpt-4o-mini",
    messages,
    stream: true,
    stream_options: { include_usage: true },
  });
  for await (const _ of stream) {
    // read to the end
  }
  // The ledger writes in batches, about once a second.
  await waitFor("four rows in the ledger", async () => {
    const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".usage_events`);
    return rows[0]?.n === "4" ? true : undefined;
  });
});

afterAll(async () => {
  await gateway?.stop();
  await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
  await db.end();
  await mock?.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string, token: string | null = adminToken) =>
  fetch(`${admin}${path}`, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });

/** What the ledger holds, summed by PostgreSQL directly: the figures the API must give back. */
async function ledgerSums() {
  const { rows } = await db.query<{ input: string; output: string; cost: string; day: string }>(
    `SELECT sum(input_tokens)::text AS input, sum(output_tokens)::text AS output, sum(cost_usd)::text AS cost,
            to_char(min(occurred_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day
       FROM "${schema}".usage_events`,
  );
  const r = rows[0];
  if (!r) throw new Error("no sums");
  return { inputTokens: Number(r.input), outputTokens: Number(r.output), costUsd: r.cost, day: r.day };
}

const usageCli = (args: string[], env: Record<string, string>) =>
  promisify(execFile)(process.execPath, [cliEntry, "usage", "--url", admin, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({
      code: e.code ?? -1,
      stdout: e.stdout ?? "",
      stderr: e.stderr ?? "",
    }),
  );

describe("the admin API of a gateway", () => {
  it("sums the ledger by namespace, key, model and UTC day, as JSON", async () => {
    const sums = await ledgerSums();
    expect(sums.inputTokens).toBeGreaterThan(0);
    expect(sums.costUsd).not.toBe("0.000000000");
    const res = await get("/v1/usage?group_by=namespace,key,model,day");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rows: unknown[]; truncated: boolean };
    expect(body.truncated).toBe(false);
    expect(body.rows).toEqual([
      {
        namespace: "bench",
        key: "bench/bench",
        model: "gpt-4o-mini",
        day: sums.day,
        requests: 4,
        inputTokens: sums.inputTokens,
        outputTokens: sums.outputTokens,
        costUsd: sums.costUsd,
      },
    ]);
    const elsewhere = await get("/v1/usage?namespace=team-x");
    expect(((await elsewhere.json()) as { rows: unknown[] }).rows).toEqual([]);
  });

  it("answers CSV, and 400 with its reason for a bad query", async () => {
    const sums = await ledgerSums();
    const csv = await get("/v1/usage?group_by=provider,policy&format=csv");
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(await csv.text()).toBe(
      "provider,policy,requests,input_tokens,output_tokens,cost_usd\r\n" +
        `openai-compatible,bench/bench,4,${sums.inputTokens},${sums.outputTokens},${sums.costUsd}\r\n`,
    );
    const bad = await get("/v1/usage?from=2025-01-01&to=2026-12-31");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toBe(
      "from 2025-01-01 to 2026-12-31 is 730 days; a report covers at most 400",
    );
  });

  it("security: 401 with WWW-Authenticate without the token or with another; the relay key is not an admin token", async () => {
    for (const token of [null, randomBytes(32).toString("hex"), relayKey, adminToken.slice(0, -1)]) {
      const res = await get("/v1/usage", token);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="kuberelay-admin"');
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe("authentication");
    }
  });

  it("kuberelay usage prints a table, JSON or CSV, and says when the token is refused", async () => {
    const sums = await ledgerSums();
    const table = await usageCli(["--by", "namespace,model"], { KUBERELAY_ADMIN_TOKEN: adminToken });
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[1]).toMatch(/^namespace\s+model\s+requests\s+input tokens\s+output tokens\s+cost usd$/);
    expect(lines[3]).toMatch(
      new RegExp(`^bench\\s+gpt-4o-mini\\s+4\\s+${sums.inputTokens.toLocaleString("en-US")}\\s`),
    );
    expect(lines.at(-1)).toMatch(/^total\s+4\s/);

    const tokenFile = join(dir, "admin-token");
    writeFileSync(tokenFile, `${adminToken}\n`);
    const json = await usageCli(["--format", "json", "--token-file", tokenFile], {});
    expect(JSON.parse(json.stdout)).toMatchObject({
      rows: [{ namespace: "bench", requests: 4, costUsd: sums.costUsd }],
    });
    const csv = await usageCli(["--format", "csv", "--by", "day"], { KUBERELAY_ADMIN_TOKEN: adminToken });
    expect(csv.stdout).toContain(`${sums.day},4,`);

    const refused = await usageCli([], { KUBERELAY_ADMIN_TOKEN: randomBytes(32).toString("hex") });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("refused the token (401)");
    const bad = await usageCli(["--by", "tenant"], { KUBERELAY_ADMIN_TOKEN: adminToken });
    expect(bad.stderr).toContain('the admin API refused the query: group_by "tenant" is not one of');
    for (const r of [table, json, csv, refused, bad]) expect(r.stdout + r.stderr).not.toContain(adminToken);
  });

  it("security: the admin token is in no log line and no metric", async () => {
    const scraped = await (await fetch(`${metrics}/metrics`)).text();
    expect(scraped).not.toContain(adminToken);
    expect(gateway.lines.filter((l) => l.msg === "admin request").length).toBeGreaterThan(5);
    expect(gateway.lines.some((l) => l.msg === "admin request" && l.status === 401)).toBe(true);
    expect(await gateway.stop()).toBe(0);
    expect(gateway.output()).not.toContain(adminToken);
    expect(gateway.output()).not.toContain(adminToken.slice(0, 16));
  });
});
