import http from "node:http";
import { describe, expect, it } from "vitest";
import { type DualProtocolOptions, listenDualProtocol } from "./dual-protocol-server.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One request on `agent`: "ok", the error code, or the response's Connection header. */
function post(port: number, agent: http.Agent): Promise<{ outcome: string; connection?: string }> {
  return new Promise((resolve) => {
    const req = http.request({ port, host: "127.0.0.1", method: "POST", path: "/", agent }, (res) => {
      res.resume();
      res.on("end", () => resolve({ outcome: "ok", connection: res.headers.connection }));
      res.on("error", (err: NodeJS.ErrnoException) => resolve({ outcome: err.code ?? err.message }));
    });
    req.on("error", (err: NodeJS.ErrnoException) => resolve({ outcome: err.code ?? err.message }));
    req.end("{}");
  });
}

const answerSoon: http.RequestListener = (req, res) => {
  req.resume();
  req.on("end", () => setTimeout(() => res.end("ok"), 1));
};

/**
 * One caller on one keep-alive connection, sending back to back, while the server drains. The
 * caller stops when the server refuses a new connection: it was told to close and did.
 */
async function drainUnderCaller(options: DualProtocolOptions): Promise<{ failures: string[]; told: number }> {
  const s = await listenDualProtocol(answerSoon, 0, "127.0.0.1", options);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const failures: string[] = [];
  let told = 0;
  let answered = 0;
  const caller = (async () => {
    for (;;) {
      const { outcome, connection } = await post(s.port, agent);
      if (outcome === "ECONNREFUSED") return;
      if (outcome !== "ok") failures.push(outcome);
      if (connection === "close") told++;
      answered++;
    }
  })();
  // The connection is established and has carried a request: closing the listener can reset
  // a connection still in its accept queue, which is not what this checks.
  while (answered === 0) await sleep(5);
  await sleep(Math.random() * 20);
  await s.drain(3_000);
  await caller;
  agent.destroy();
  return { failures, told };
}

describe("drain of HTTP/1.1 keep-alive connections", () => {
  it("a caller sending back to back while the server drains: no request meets a reset", async () => {
    // Closing idle connections at once failed a third of these drains with ECONNRESET.
    const runs = await Promise.all(Array.from({ length: 30 }, () => drainUnderCaller({})));
    expect(runs.flatMap((r) => r.failures)).toEqual([]);
    // Each caller left because a response told it to, not because its connection was cut.
    expect(runs.every((r) => r.told === 1)).toBe(true);
  });

  it("a response already under way when the drain starts says Connection: close", async () => {
    const s = await listenDualProtocol(
      (req, res) => {
        req.resume();
        setTimeout(() => res.end("late"), 200);
      },
      0,
      "127.0.0.1",
    );
    const agent = new http.Agent({ keepAlive: true });
    const answer = post(s.port, agent);
    await sleep(50);
    await s.drain(3_000);
    expect(await answer).toEqual({ outcome: "ok", connection: "close" });
    agent.destroy();
  });

  it("an idle caller's connection is closed once idle for the grace, and the drain ends then", async () => {
    const s = await listenDualProtocol(answerSoon, 0, "127.0.0.1", { drainIdleGraceMs: 400 });
    const agent = new http.Agent({ keepAlive: true });
    expect((await post(s.port, agent)).outcome).toBe("ok");
    const t0 = Date.now();
    await s.drain(10_000);
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(350);
    expect(took).toBeLessThan(2_000);
    agent.destroy();
  });

  it("a caller silent past the grace is not waited for until the deadline", async () => {
    const s = await listenDualProtocol(answerSoon, 0, "127.0.0.1", {
      drainIdleGraceMs: 100,
      keepAliveTimeoutMs: 60_000,
    });
    const agents = Array.from({ length: 5 }, () => new http.Agent({ keepAlive: true }));
    for (const agent of agents) expect((await post(s.port, agent)).outcome).toBe("ok");
    const t0 = Date.now();
    await s.drain(30_000);
    expect(Date.now() - t0).toBeLessThan(1_500);
    for (const agent of agents) agent.destroy();
  });
});
