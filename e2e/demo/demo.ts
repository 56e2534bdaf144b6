/**
 * `make demo`: the walking-skeleton loop for a person to watch, on a real control plane.
 * Set DEMO_HOLD=1 to keep everything running afterwards (Ctrl-C stops and cleans up).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import OpenAI from "openai";
import { waitRelayKeyReady } from "../harness/issued-relay-key.js";
import { cliEntry } from "../harness/kuberelay-process.js";
import { type Stack, startStack } from "../harness/kuberelay-stack.js";
import { applyQuickstart } from "../harness/quickstart-manifests.js";
import { createStepPrinter } from "./step-printer.js";

const NS = "team-a";
/** Made for this run; the gateways' admin API and kuberelay usage share it. */
const ADMIN_TOKEN = randomBytes(32).toString("hex");
const execFileAsync = promisify(execFile);
const { step, show } = createStepPrinter();

async function run(stack: Stack): Promise<void> {
  const gateway = stack.gateways[0];
  if (!gateway) throw new Error("no gateway");
  step(
    `kubectl apply: Secret + ProviderKey (mock provider at ${stack.mock.url}), Policy, RelayKey in "${NS}"`,
  );
  await applyQuickstart(stack, NS);
  await waitRelayKeyReady(stack, NS, "app");
  for (const line of (await stack.cp.kubectl(["get", "kuberelay", "-n", NS])).stdout.trimEnd().split("\n"))
    show(line);

  step("the operator wrote the key once into Secret app-relay-key; the gateway config holds only its sha256");
  const { stdout } = await stack.cp.kubectl([
    "get",
    "secret",
    "-n",
    NS,
    "app-relay-key",
    "-o",
    "jsonpath={.data.key}",
  ]);
  const key = Buffer.from(stdout, "base64").toString("utf8");
  show(`relay key: ${key.slice(0, 8)}… (${key.length} characters)`);

  step(`openai SDK → gateway ${gateway.url}/v1 → provider`);
  const openai = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  const completion = await openai.chat.completions.create({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "hello from the demo" }],
  });
  show(`reply: ${completion.choices[0]?.message.content} (tokens: ${completion.usage?.total_tokens})`);

  step("the same, streamed (chunks printed as they arrive)");
  const stream = await openai.chat.completions.create({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "streaming through kuberelay works" }],
    stream: true,
  });
  process.stdout.write("      ");
  for await (const chunk of stream) process.stdout.write(`[${chunk.choices[0]?.delta.content ?? ""}]`);
  process.stdout.write("\n");

  step("a wrong key is refused");
  const wrong = new OpenAI({ apiKey: "krk_wrong", baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  const refused = await wrong.chat.completions
    .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] })
    .catch((e: unknown) => e);
  show(`→ ${refused instanceof OpenAI.APIError ? `${refused.status} ${refused.message}` : String(refused)}`);

  step("the gateway's usage ledger (embedded PostgreSQL, no server) through its admin API: kuberelay usage");
  await showUsage(gateway.adminUrl);

  step('a Pod annotated kuberelay.dev/inject: "true" gets the gateway URL and a reference to the key');
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "demo-app",
      namespace: NS,
      annotations: { "kuberelay.dev/inject": "true", "kuberelay.dev/relay-key": "app" },
    },
    spec: { containers: [{ name: "app", image: "example.invalid/app:1" }] },
  };
  await waitForDefaultServiceAccount(stack);
  await stack.cp.kubectl(["create", "-f", "-"], JSON.stringify(pod));
  const env = (
    await stack.cp.kubectl(["get", "pod", "-n", NS, "demo-app", "-o", "jsonpath={.spec.containers[0].env}"])
  ).stdout;
  for (const e of JSON.parse(env) as Array<{ name: string; value?: string; valueFrom?: unknown }>) {
    show(`${e.name}=${e.value ?? JSON.stringify(e.valueFrom)}`);
  }

  step("kubectl delete relaykey app → the gateways refuse the key");
  const deletedAt = Date.now();
  await stack.cp.kubectl(["delete", "-n", NS, "relaykey/app", "--wait=false"]);
  for (;;) {
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }),
    });
    await res.arrayBuffer();
    if (res.status === 401) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  show(`401 after ${Date.now() - deletedAt} ms`);
}

/** Rows are written within a second of their request; the table is shown once both are in. */
async function showUsage(adminUrl: string | undefined): Promise<void> {
  if (!adminUrl) throw new Error("the gateway serves no admin API");
  const usage = (format: string) =>
    execFileAsync(
      process.execPath,
      [cliEntry, "usage", "--url", adminUrl, "--by", "namespace,model", "--format", format],
      {
        env: { PATH: process.env.PATH ?? "", KUBERELAY_ADMIN_TOKEN: ADMIN_TOKEN },
      },
    );
  for (let i = 0; i < 50; i++) {
    const { stdout } = await usage("json");
    const { rows } = JSON.parse(stdout) as { rows: Array<{ requests: number }> };
    if (rows.reduce((n, r) => n + r.requests, 0) >= 2) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const line of (await usage("table")).stdout.trimEnd().split("\n")) show(line);
}

async function waitForDefaultServiceAccount(stack: Stack): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { stdout } = await stack.cp.kubectl([
      "get",
      "serviceaccount",
      "-n",
      NS,
      "--ignore-not-found",
      "default",
    ]);
    if (stdout.trim()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<void> {
  step("starting a real control plane and kuberelay (built from this checkout)");
  const stack = await startStack({
    gateways: 2,
    gatewayLedger: true,
    gatewayEnv: { KUBERELAY_ADMIN_TOKEN: ADMIN_TOKEN },
    step: (m) => show(m),
  });
  try {
    await run(stack);
    if (process.env.DEMO_HOLD === "1") {
      step(
        `holding: KUBECONFIG=${stack.cp.kubeconfigPath}, gateway ${stack.gateways[0]?.url} (Ctrl-C to stop)`,
      );
      await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
    }
  } finally {
    step("stopping everything and removing temp files");
    await Promise.all(stack.processes().map((p) => p.stop()));
    await stack.stop();
  }
  step("done");
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
