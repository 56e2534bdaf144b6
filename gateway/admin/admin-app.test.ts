import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../common/log.js";
import { listen } from "../../common/process/listen.js";
import type { UsageQuery } from "../ledger/usage-report.js";
import { createAdminApp } from "./admin-app.js";
import { bearerCheck } from "./admin-token.js";

const token = "t0k3n-0123456789abcdef0123456789abcdef";
const logged: string[] = [];
const asked: UsageQuery[] = [];
let failWith: Error | undefined;
/** While set, reports wait on it: to hold some in flight. */
let gate: Promise<void> | undefined;
let base = "";
let close = () => Promise.resolve();

/** The one group the fake ledger reports; its model is a spreadsheet formula, as a caller may send. */
const usageLine = {
  namespace: "team-a",
  model: "=1+1",
  requests: 3,
  inputTokens: 30,
  outputTokens: 9,
  costUsd: "0.000120000",
};

beforeAll(async () => {
  const app = createAdminApp({
    authorized: bearerCheck(token),
    log: createLogger("gateway", { sink: (line) => logged.push(line) }),
    now: () => Date.UTC(2026, 11, 6, 12),
    usage: async (query, maxRows) => {
      if (failWith) throw failWith;
      await gate;
      asked.push(query);
      expect(maxRows).toBe(10_000);
      return {
        truncated: query.groupBy.includes("day"),
        lines: [usageLine],
      };
    },
  });
  const { server } = await listen(app, 0, "127.0.0.1").then((l) => {
    base = `http://127.0.0.1:${l.port}`;
    return l;
  });
  close = () => new Promise((r) => server.close(() => r()));
});
afterAll(() => close());

/** GET with the admin token, another Authorization header, or (null) none. */
const get = (path: string, auth: string | null = `Bearer ${token}`) =>
  fetch(`${base}${path}`, auth === null ? {} : { headers: { authorization: auth } });

describe("admin app", () => {
  it("answers usage as JSON, with the range and groups it used", async () => {
    const res = await get("/v1/usage");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-kuberelay-truncated")).toBe("false");
    expect(await res.json()).toEqual({
      from: "2026-12-01",
      to: "2026-12-06",
      groupBy: ["namespace"],
      truncated: false,
      rows: [usageLine],
    });
  });

  it("answers CSV with formula cells neutralised, and says when the rows were cut", async () => {
    const res = await get("/v1/usage?group_by=day,namespace,model&format=csv");
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("x-kuberelay-truncated")).toBe("true");
    expect(res.headers.get("content-disposition")).toBe(
      'attachment; filename="usage-2026-12-01-2026-12-06.csv"',
    );
    expect(await res.text()).toBe(
      "day,namespace,model,requests,input_tokens,output_tokens,cost_usd\r\n,team-a,'=1+1,3,30,9,0.000120000\r\n",
    );
  });

  it("answers 400 with the server's reason for a bad parameter, before reading the ledger", async () => {
    const before = asked.length;
    const res = await get("/v1/usage?from=2026-03-02&to=2026-03-01");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { type: "invalid_request", message: "to (2026-03-01) is before from (2026-03-02)", param: "to" },
    });
    expect(asked.length).toBe(before);
  });

  it("runs two reports at a time; a third is a 429 with Retry-After, and the count recovers", async () => {
    let open: () => void = () => undefined;
    gate = new Promise<void>((r) => {
      open = r;
    });
    const held = [get("/v1/usage"), get("/v1/usage")];
    await new Promise((r) => setTimeout(r, 50));
    const third = await get("/v1/usage");
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).toBe("1");
    open();
    gate = undefined;
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    // Failed reports give their place back too.
    failWith = new Error("down");
    for (let i = 0; i < 3; i++) expect((await get("/v1/usage")).status).toBe(500);
    failWith = undefined;
    expect((await get("/v1/usage")).status).toBe(200);
  });

  it("security: 401 with WWW-Authenticate for a missing or wrong token, on every path", async () => {
    for (const [path, auth] of [
      ["/v1/usage", null],
      ["/v1/usage", `Bearer ${token.slice(0, -1)}x`],
      ["/v1/usage", `Bearer ${token}${token}`],
      ["/v1/usage", `Basic ${token}`],
      ["/nope", "Bearer nope"],
      ["/v1/usage?from=bad", null],
    ] as const) {
      const res = await get(path, auth);
      expect(res.status, `${path} ${auth}`).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="kuberelay-admin"');
      expect((await res.json()) as unknown).toMatchObject({ error: { type: "authentication" } });
    }
    expect((await get("/nope")).status).toBe(404);
  });

  it("security: a failed report is a 500 without the database's message; the token is in no log line", async () => {
    failWith = new Error("connect ECONNREFUSED db.internal:5432");
    try {
      const res = await get("/v1/usage");
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).not.toContain("db.internal");
      expect(text).toContain("the usage ledger could not be read");
    } finally {
      failWith = undefined;
    }
    expect(logged.filter((l) => l.includes("db.internal"))).toHaveLength(1);
    await get("/v1/usage", `Bearer ${token}x`);
    expect(logged.some((l) => l.includes('"status":401'))).toBe(true);
    expect(logged.join("\n")).not.toContain(token.slice(0, 20));
  });
});
