import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../common/log.js";
import { listen } from "../../common/process/listen.js";
import { createAdminApp } from "./admin-app.js";
import { bearerCheck } from "./admin-token.js";
import { runUsage } from "./usage-command.js";
import { dollars, nanos } from "./usage-table.js";

const token = "cli-0123456789abcdef0123456789abcdef";
const dir = mkdtempSync(join(tmpdir(), "kuberelay-usage-cli-"));
let url = "";
let close = () => Promise.resolve();
let lastQuery = "";

beforeAll(async () => {
  const app = createAdminApp({
    authorized: bearerCheck(token),
    log: createLogger("gateway", { sink: () => undefined }),
    now: () => Date.UTC(2026, 11, 6),
    usage: async (query) => {
      lastQuery = JSON.stringify(query);
      return {
        truncated: false,
        lines: [
          {
            namespace: "team-a",
            model: "gpt-4o-mini",
            requests: 1200,
            inputTokens: 1_234_567,
            outputTokens: 89,
            costUsd: "1.234567890",
          },
          {
            namespace: "team-b",
            model: "\u001b[31mred",
            requests: 1,
            inputTokens: 0,
            outputTokens: 0,
            costUsd: "0.000000500",
          },
        ],
      };
    },
  });
  const l = await listen(app, 0, "127.0.0.1");
  url = `http://127.0.0.1:${l.port}`;
  close = () => new Promise((r) => l.server.close(() => r()));
});
afterAll(async () => {
  await close();
  rmSync(dir, { recursive: true, force: true });
});

async function usage(args: string[], env: NodeJS.ProcessEnv = { KUBERELAY_ADMIN_TOKEN: token }) {
  let stdout = "";
  let stderr = "";
  const code = await runUsage(
    args,
    env,
    (t) => {
      stdout += t;
    },
    (t) => {
      stderr += t;
    },
  );
  // security: whatever happened, the token was not printed.
  expect(stdout + stderr).not.toContain(token);
  return { code, stdout, stderr };
}

describe("kuberelay usage", () => {
  it("prints an aligned table with a total, cost to the millionth, control characters made harmless", async () => {
    const r = await usage([
      "--url",
      url,
      "--by",
      "namespace,model",
      "--from",
      "2026-12-01",
      "--to",
      "2026-12-05",
    ]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(lastQuery).toContain('"groupBy":["namespace","model"]');
    expect(r.stdout).toBe(
      [
        "usage 2026-12-01 to 2026-12-05 (UTC days, both included)",
        "namespace  model        requests  input tokens  output tokens  cost usd",
        "---------  -----------  --------  ------------  -------------  --------",
        "team-a     gpt-4o-mini     1,200     1,234,567             89  1.234568",
        "team-b     ?[31mred            1             0              0  0.000001",
        "---------  -----------  --------  ------------  -------------  --------",
        "total                      1,201     1,234,567             89  1.234568",
        "",
      ].join("\n"),
    );
  });

  it("passes JSON and CSV through, with the filters as parameters; the token may come from a file", async () => {
    const file = join(dir, "token");
    writeFileSync(file, `${token}\n`);
    const json = await usage(
      ["--url", `${url}/`, "--token-file", file, "--format", "json", "--namespace", "team-a"],
      {},
    );
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ from: "2026-12-01", to: "2026-12-06", truncated: false });
    expect(lastQuery).toContain('"filters":{"namespace":"team-a"}');
    const csv = await usage(["--url", url, "--format", "csv", "--by", "model"]);
    expect(csv.stdout.split("\r\n")[0]).toBe("model,requests,input_tokens,output_tokens,cost_usd");
  });

  it("says why it failed: a refused token, the server's reason for a bad query, a refused connection", async () => {
    const wrong = await usage(["--url", url], { KUBERELAY_ADMIN_TOKEN: `${token}x` });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe(
      `the admin API at ${url}/v1/usage refused the token (401): check KUBERELAY_ADMIN_TOKEN or --token-file\n`,
    );
    const bad = await usage(["--url", url, "--by", "tenant"]);
    expect(bad).toMatchObject({ code: 1 });
    expect(bad.stderr).toBe(
      'the admin API refused the query: group_by "tenant" is not one of namespace, key, model, day, provider, policy\n',
    );
    // A port that was just free: nothing listens there now.
    const free = await listen(createServer(), 0, "127.0.0.1");
    await new Promise((r) => free.server.close(r));
    const down = await usage(["--url", `http://127.0.0.1:${free.port}`]);
    expect(down.code).toBe(1);
    expect(down.stderr).toBe(
      `could not reach the admin API at http://127.0.0.1:${free.port}/v1/usage: connection refused (is the gateway running with KUBERELAY_ADMIN_TOKEN set and a ledger, and is this its --admin-port?)\n`,
    );
  });

  it("refuses bad usage before sending anything", async () => {
    expect((await usage(["--url", url], {})).stderr).toContain("no admin token");
    expect((await usage(["--url", url, "--format", "xml"])).code).toBe(2);
    expect((await usage(["--url", "file:///etc/passwd"])).code).toBe(2);
    expect((await usage(["--url", url, "--bogus"])).code).toBe(2);
    expect((await usage(["--url", url, "--token-file", join(dir, "missing")], {})).stderr).toContain(
      "ENOENT",
    );
  });
});

describe("exact dollars", () => {
  it("adds and rounds decimal strings without floating point", () => {
    expect(nanos("10000000.000000003") + nanos("0.000000001")).toBe(10_000_000_000_000_004n);
    expect(dollars(nanos("0.0000005"))).toBe("0.000001");
    expect(dollars(nanos("0.000000499"))).toBe("0.000000");
    expect(dollars(nanos("12"), 9)).toBe("12.000000000");
  });
});
