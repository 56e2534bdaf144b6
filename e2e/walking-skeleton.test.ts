/**
 * The whole loop on a real kube-apiserver: kubectl apply → operator → gateway config →
 * gateways → the official openai SDK → mock provider; revocation; webhook injection.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitRelayKeyReady } from "./harness/issued-relay-key.js";
import { type Stack, startStack } from "./harness/kuberelay-stack.js";
import { quickstartManifests } from "./harness/quickstart-manifests.js";
import { waitFor } from "./harness/wait-for.js";

const NS = "team-a";
let stack: Stack;
let relayKey = "";
/** Every body a caller received, to prove the provider credential never reached one. */
const received: string[] = [];

const client = (baseURL: string, apiKey: string) =>
  new OpenAI({ apiKey, baseURL: `${baseURL}/v1`, maxRetries: 0, timeout: 10_000 });

beforeAll(async () => {
  stack = await startStack({ gateways: 2 });
}, 240_000);

afterAll(async () => {
  const exitCodes = stack ? await Promise.all(stack.processes().map((p) => p.stop())) : [];
  await stack?.stop();
  // SIGTERM is a clean shutdown for every kuberelay process.
  expect(exitCodes.every((c) => c === 0)).toBe(true);
});

describe("walking skeleton", () => {
  it("kubectl apply makes the RelayKey Ready and writes its Secret", async () => {
    const upstreamURL = `${stack.mock.url}/v1`;
    await stack.cp.kubectl(
      ["apply", "-f", "-"],
      quickstartManifests({ namespace: NS, upstreamURL, providerSecret: stack.providerSecret }),
    );
    await waitRelayKeyReady(stack, NS, "app");
    const { stdout } = await stack.cp.kubectl([
      "get",
      "-n",
      NS,
      "secret",
      "app-relay-key",
      "-o",
      "jsonpath={.data.key}",
    ]);
    relayKey = Buffer.from(stdout, "base64").toString("utf8");
    expect(relayKey).toMatch(/^krk_[A-Za-z0-9_-]{43}$/);

    const rk = JSON.parse((await stack.cp.kubectl(["get", "-n", NS, "relaykey/app", "-o", "json"])).stdout);
    expect(rk.status.observedGeneration).toBe(rk.metadata.generation);
    expect(rk.status.keyPrefix).toBe(relayKey.slice(0, 8));
    expect(JSON.stringify(rk.status)).not.toContain(relayKey);
    const all = (await stack.cp.kubectl(["get", "kuberelay", "-n", NS])).stdout;
    expect(all).toMatch(/providerkey\.kuberelay\.dev\/openai/);
    expect(all).toMatch(/relaykey\.kuberelay\.dev\/app/);
  });

  it("the openai SDK gets a chat completion through every gateway", async () => {
    for (const gw of stack.gateways) {
      // Each gateway applies the config on its own watch; give the second one a moment too.
      const completion = await waitFor("a completion", () =>
        client(gw.url, relayKey).chat.completions.create({
          model: "gpt-4o-mini",
          messages: [{ role: "user", content: "hello relay" }],
        }),
      );
      received.push(JSON.stringify(completion));
      expect(completion.choices[0]?.message.content).toBe("echo: hello relay");
      expect(completion.model).toBe("gpt-4o-mini");
      expect(completion.usage?.total_tokens).toBeGreaterThan(0);
    }
    const upstream = stack.mock.requests.filter((r) => r.path === "/v1/chat/completions");
    expect(upstream.length).toBeGreaterThan(0);
    for (const r of upstream) {
      expect(r.headers.authorization).toBe(`Bearer ${stack.providerSecret}`);
      expect(JSON.stringify(r.headers)).not.toContain(relayKey);
    }
  });

  it("streams chunk by chunk, and rewrites the model per the Policy", async () => {
    const stream = await client(stack.gateways[0]?.url ?? "", relayKey).chat.completions.create({
      model: "team-fast",
      messages: [{ role: "user", content: "one two three four five" }],
      stream: true,
    });
    const arrivals: Array<{ at: number; text: string }> = [];
    let model = "";
    for await (const chunk of stream) {
      received.push(JSON.stringify(chunk));
      model = chunk.model;
      const text = chunk.choices[0]?.delta.content;
      if (text) arrivals.push({ at: performance.now(), text });
    }
    expect(arrivals.map((a) => a.text).join("")).toBe("echo: one two three four five");
    expect(arrivals.length).toBeGreaterThanOrEqual(3);
    // The mock spaces chunks ~20 ms apart: a buffering gateway would deliver them all at once.
    const first = arrivals[0]?.at ?? 0;
    const last = arrivals[arrivals.length - 1]?.at ?? 0;
    expect(last - first).toBeGreaterThan(40);
    expect(model).toBe("gpt-4o");
  });

  it("refuses a wrong key with 401 and never shows the provider key", async () => {
    const wrong = client(stack.gateways[0]?.url ?? "", "krk_not-a-real-key");
    const err = await wrong.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    received.push(JSON.stringify((err as InstanceType<typeof OpenAI.APIError>).error));

    const unknown = await client(stack.gateways[0]?.url ?? "", relayKey)
      .chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);

    for (const body of received) expect(body).not.toContain(stack.providerSecret);
    for (const proc of stack.processes()) {
      expect(proc.output()).not.toContain(stack.providerSecret);
      expect(proc.output()).not.toContain(relayKey);
    }
    const config = (
      await stack.cp.kubectl([
        "get",
        "secret",
        "-n",
        "kuberelay-system",
        "kuberelay-gateway-config",
        "-o",
        "json",
      ])
    ).stdout;
    expect(config).not.toContain(Buffer.from(stack.providerSecret).toString("base64"));
  });

  it("injects the gateway URL and key reference into an annotated Pod", async () => {
    await waitFor("the default ServiceAccount", async () =>
      (await stack.cp.kubectl(["get", "serviceaccount", "default", "-n", NS])).stdout ? true : undefined,
    );
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: "llm-app",
        namespace: NS,
        annotations: { "kuberelay.dev/inject": "true", "kuberelay.dev/relay-key": "app" },
      },
      spec: {
        containers: [{ name: "app", image: "example.invalid/app:1", env: [{ name: "KEEP", value: "1" }] }],
      },
    };
    await stack.cp.kubectl(["create", "-f", "-"], JSON.stringify(pod));
    const created = JSON.parse(
      (await stack.cp.kubectl(["get", "pod", "llm-app", "-n", NS, "-o", "json"])).stdout,
    );
    const env: Array<{
      name: string;
      value?: string;
      valueFrom?: { secretKeyRef?: { name: string; key: string } };
    }> = created.spec.containers[0].env;
    const byName = new Map(env.map((e) => [e.name, e]));
    expect(byName.get("KEEP")?.value).toBe("1");
    expect(byName.get("OPENAI_BASE_URL")?.value).toBe(`${stack.gateways[0]?.url}/v1`);
    expect(byName.get("OPENAI_API_KEY")?.valueFrom?.secretKeyRef).toEqual({
      name: "app-relay-key",
      key: "key",
    });
    expect(created.metadata.annotations["kuberelay.dev/injected"]).toBeDefined();
    expect(JSON.stringify(created)).not.toContain(relayKey);
  });

  it("deleting the RelayKey makes every gateway refuse its key within 5 seconds", async () => {
    const deleted = performance.now();
    await stack.cp.kubectl(["delete", "-n", NS, "relaykey/app", "--wait=false"]);
    const latencies = await Promise.all(
      stack.gateways.map((gw) =>
        waitFor(
          `gateway ${gw.url} to refuse the deleted key`,
          async () => {
            const res = await fetch(`${gw.url}/v1/chat/completions`, {
              method: "POST",
              headers: { authorization: `Bearer ${relayKey}`, "content-type": "application/json" },
              body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }),
            });
            await res.arrayBuffer();
            return res.status === 401 ? performance.now() - deleted : undefined;
          },
          5_000,
          50,
        ),
      ),
    );
    console.log(`revocation latency per gateway (ms): ${latencies.map((l) => l.toFixed(0)).join(", ")}`);
    expect(Math.max(...latencies)).toBeLessThan(5_000);
    // The owned Secret is garbage-collected with its RelayKey (the harness installs the CRDs
    // before kube-controller-manager starts, so its garbage collector knows them at once).
    const gone = async () => {
      const { stdout } = await stack.cp.kubectl([
        "get",
        "secret",
        "-n",
        NS,
        "--ignore-not-found",
        "app-relay-key",
      ]);
      return stdout.trim() === "" ? true : undefined;
    };
    await waitFor("the relay key Secret to be garbage-collected", gone, 90_000, 500);
  });
});
