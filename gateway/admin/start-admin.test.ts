import { describe, expect, it } from "vitest";
import { createLogger } from "../../common/log.js";
import type { RunningLedger } from "../ledger/start-ledger.js";
import { startAdmin } from "./start-admin.js";

const token = "s".repeat(40);
const ledger: RunningLedger = {
  record: () => undefined,
  spendSoFar: async () => [],
  usage: async () => ({ lines: [], truncated: false }),
  close: async () => undefined,
};

function logs() {
  const lines: Record<string, unknown>[] = [];
  return { lines, log: createLogger("gateway", { sink: (l) => lines.push(JSON.parse(l)) }) };
}

describe("startAdmin", () => {
  it("stays off, saying why in one line, without a token or without a ledger", async () => {
    const a = logs();
    expect(await startAdmin({ env: {}, port: 0, host: "127.0.0.1", ledger, log: a.log })).toBeUndefined();
    expect(a.lines.map((l) => l.msg)).toEqual(["admin API off: KUBERELAY_ADMIN_TOKEN is not set"]);
    const b = logs();
    const env = { KUBERELAY_ADMIN_TOKEN: token };
    expect(
      await startAdmin({ env, port: 0, host: "127.0.0.1", ledger: undefined, log: b.log }),
    ).toBeUndefined();
    expect(b.lines).toHaveLength(1);
    expect(String(b.lines[0]?.msg)).toMatch(
      /^admin API off: it reports from the usage ledger, and there is none/,
    );
  });

  it("refuses a short token instead of serving behind it", async () => {
    const { log } = logs();
    const env = { KUBERELAY_ADMIN_TOKEN: "short" };
    await expect(startAdmin({ env, port: 0, host: "127.0.0.1", ledger, log })).rejects.toThrow(
      /5 characters/,
    );
  });

  it("serves with both, and drains", async () => {
    const { log } = logs();
    const env = { KUBERELAY_ADMIN_TOKEN: token };
    const admin = await startAdmin({ env, port: 0, host: "127.0.0.1", ledger, log });
    if (!admin) throw new Error("admin API did not start");
    const ok = await fetch(`http://127.0.0.1:${admin.port}/v1/usage`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(ok.status).toBe(200);
    await admin.drain(1000);
    expect(admin.server.listening).toBe(false);
  });
});
