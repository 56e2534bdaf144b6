/**
 * The gateway without a cluster (`--config-dir`): serves from YAML files, hot-reloads them,
 * and on SIGTERM stops accepting but lets a stream in flight finish, then exits 0. Afterwards no
 * piece of any key may be in its output, its ops endpoints or a response (the issue #9 scan).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Produced } from "./harness/canary.js";
import { recordResponses } from "./harness/captured-responses.js";
import { type KuberelayProcess, startKuberelay } from "./harness/kuberelay-process.js";
import { SecretCanaries } from "./harness/secret-canaries.js";
import { readOpsBeforeStop } from "./harness/stack-leak-scan.js";
import { standaloneConfig } from "./harness/standalone-config.js";
import { type MockProvider, startMockProvider } from "./mock-provider/server.js";

const dir = mkdtempSync(join(tmpdir(), "kuberelay-standalone-"));
// Random in every 8-character window: a fixed part ("-standal") would match the config dir path.
const providerKey = `sk-${randomBytes(24).toString("hex")}`;
const firstKey = `krk_${randomBytes(32).toString("base64url")}`;
let mock: MockProvider;
let gateway: KuberelayProcess;
let baseURL = "";
let listening: Record<string, unknown> = {};
/** The key the config holds now (the reload test swaps it). */
let currentKey = firstKey;
const canaries = new SecretCanaries()
  .add("provider key", providerKey)
  .addRelayKey("first relay key", firstKey, false);
const responses = recordResponses();
/** /metrics and /readyz, read as the gateway is stopped. */
const opsAtStop: Produced = [];

beforeAll(async () => {
  mock = await startMockProvider({ openaiKey: providerKey, chunkDelayMs: 150 });
  standaloneConfig(join(dir, "config"), { upstreamURL: `${mock.url}/v1`, providerKey, relayKey: firstKey });
  gateway = readOpsBeforeStop(
    startKuberelay(
      "gateway",
      [
        "gateway",
        "--config-dir",
        join(dir, "config"),
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--metrics-port",
        "0",
        "--drain-seconds",
        "10",
      ],
      // No ledger flag: the default, an embedded ledger in the XDG data directory.
      { XDG_DATA_HOME: join(dir, "xdg") },
      join(dir, "gateway.log"),
    ),
    opsAtStop,
  );
  const line = await gateway.waitForLine((l) => l.msg === "listening");
  baseURL = `http://127.0.0.1:${line.port}/v1`;
  listening = line;
});

afterAll(async () => {
  await gateway?.stop();
  await mock?.close();
  rmSync(dir, { recursive: true, force: true });
  const received = await responses.close(mock ? [mock.url] : []);
  const output = gateway ? [{ source: "gateway output", text: gateway.output() }] : [];
  canaries.assertNoLeak([...output, ...opsAtStop, ...received]);
  console.info(
    `leak scan: ${canaries.count} secrets in ${output.length + opsAtStop.length + received.length} texts, no hits`,
  );
});

const client = (apiKey: string) => new OpenAI({ apiKey, baseURL, maxRetries: 0 });

it("issue 10: the listening line names the config directory, not a namespace and Secret", () => {
  expect(listening.configDir).toBe(join(dir, "config"));
  expect(listening).not.toHaveProperty("namespace");
  expect(listening).not.toHaveProperty("configSecret");
});
const ask = (apiKey: string) =>
  client(apiKey).chat.completions.create({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "hi" }],
  });

it("issue 13: keeps a usage ledger with no server, in the XDG data directory, by default", async () => {
  const ready = await gateway.waitForLine((l) => l.msg === "usage ledger ready");
  expect(ready.database).toBe("embedded");
  expect(existsSync(join(dir, "xdg", "kuberelay", "kuberelay.lock"))).toBe(true);
  await ask(firstKey);
  // Written within a second (the batch interval); the counter says a row reached the database.
  const deadline = Date.now() + 10_000;
  let written = 0;
  while (written < 1 && Date.now() < deadline) {
    const text = await (await fetch(`http://127.0.0.1:${listening.metricsPort}/metrics`)).text();
    written = Number(/^kuberelay_gateway_ledger_rows_written_total (\S+)$/m.exec(text)?.[1] ?? 0);
    if (written < 1) await new Promise((r) => setTimeout(r, 200));
  }
  expect(written).toBeGreaterThanOrEqual(1);
});

describe("standalone gateway", () => {
  it("serves from the config directory and reloads it when a file changes", async () => {
    expect((await ask(firstKey)).choices[0]?.message.content).toBe("echo: hi");
    const secondKey = `krk_${randomBytes(32).toString("base64url")}`;
    canaries.addRelayKey("second relay key", secondKey, false);
    standaloneConfig(join(dir, "config"), {
      upstreamURL: `${mock.url}/v1`,
      providerKey,
      relayKey: secondKey,
    });
    const deadline = Date.now() + 5000;
    let ok = false;
    while (!ok && Date.now() < deadline) {
      ok = await ask(secondKey).then(
        () => true,
        () => false,
      );
      if (!ok) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ok).toBe(true);
    await expect(ask(firstKey)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    for (const secret of [providerKey, firstKey, secondKey]) expect(gateway.output()).not.toContain(secret);
    currentKey = secondKey;
  });

  it("on SIGTERM finishes the stream in flight and exits 0", async () => {
    const stream = await client(currentKey).chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "one two three four five six" }],
      stream: true,
    });
    let text = "";
    let signalled = false;
    let exit: Promise<number | null> | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (!signalled && text.length > 0) {
        signalled = true;
        exit = gateway.stop(15_000);
      }
    }
    expect(text).toBe("echo: one two three four five six");
    expect(await exit).toBe(0);
    await expect(ask(currentKey)).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
  });
});
