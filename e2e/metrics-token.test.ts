/**
 * Issue 15: a gateway process started with KUBERELAY_METRICS_TOKEN, as the chart starts it from
 * a Secret: /metrics asks for the token, the kubelet's probes do not, and the token appears
 * nowhere in what the process prints. (The operator's and the webhook's ops ports share the same
 * ops app; common/process/metrics-token.test.ts covers all three in-process.)
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KuberelayProcess, startKuberelay } from "./harness/kuberelay-process.js";
import { standaloneConfig } from "./harness/standalone-config.js";

const dir = mkdtempSync(join(tmpdir(), "kuberelay-metrics-token-"));
const token = randomBytes(32).toString("hex");
let gateway: KuberelayProcess;
let ops = "";

beforeAll(async () => {
  standaloneConfig(join(dir, "config"), {
    upstreamURL: "http://127.0.0.1:9/v1",
    providerKey: `sk-${randomBytes(24).toString("hex")}`,
    relayKey: `krk_${randomBytes(32).toString("base64url")}`,
  });
  gateway = startKuberelay(
    "gateway",
    ["gateway", "--config-dir", join(dir, "config"), "--host", "127.0.0.1", "--port", "0"].concat([
      "--metrics-port",
      "0",
      "--no-ledger",
    ]),
    // A trailing newline, as a Secret written from a file often has.
    { KUBERELAY_METRICS_TOKEN: `${token}\n` },
    join(dir, "gateway.log"),
  );
  const line = await gateway.waitForLine((l) => l.msg === "listening");
  ops = `http://127.0.0.1:${String(line.metricsPort)}`;
});

afterAll(async () => {
  await gateway?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("metrics token on a running gateway", () => {
  it("issue 15: 401 without the token, 200 with it; /healthz and /readyz stay open; the token is never printed", async () => {
    expect((await fetch(`${ops}/metrics`)).status).toBe(401);
    expect(
      (await fetch(`${ops}/metrics`, { headers: { authorization: "Bearer nope-nope-nope-nope" } })).status,
    ).toBe(401);
    const res = await fetch(`${ops}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("gen_ai_server_request_duration_seconds");
    expect((await fetch(`${ops}/healthz`)).status).toBe(200);
    expect((await fetch(`${ops}/readyz`)).status).toBe(200);
    await gateway.stop();
    expect(gateway.output()).not.toContain(token);
    expect(gateway.output()).not.toContain(token.slice(0, 16));
  });
});
