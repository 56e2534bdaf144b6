/**
 * Pod injection on a real kube-apiserver: namespace-label selection, opt-out, per-container choice,
 * Bedrock variables, a missing RelayKey (warning Event), idempotence and the webhook's metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitRelayKeyReady } from "./harness/issued-relay-key.js";
import { type Stack, startStack } from "./harness/kuberelay-stack.js";
import { applyQuickstart } from "./harness/quickstart-manifests.js";
import { waitFor } from "./harness/wait-for.js";

const NS = "inject-e2e";
let stack: Stack;
let metricsUrl = "";

interface Env {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Container {
  name: string;
  env?: Env[];
}

async function createPod(
  name: string,
  annotations: Record<string, string>,
  containers: string[] = ["app"],
): Promise<Container[]> {
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: NS, annotations },
    spec: { containers: containers.map((c) => ({ name: c, image: "example.invalid/app:1" })) },
  };
  await stack.cp.kubectl(["create", "-f", "-"], JSON.stringify(pod));
  const created = JSON.parse((await stack.cp.kubectl(["get", "pod", name, "-n", NS, "-o", "json"])).stdout);
  return created.spec.containers;
}

const envNames = (container: Container | undefined) => (container?.env ?? []).map((e) => e.name);

beforeAll(async () => {
  stack = await startStack({ gateways: 1 });
  const listening = await stack.webhook.waitForLine((l) => l.msg === "listening");
  metricsUrl = `http://127.0.0.1:${listening.metricsPort}/metrics`;
  await applyQuickstart(stack, NS);
  await stack.cp.kubectl(["label", "namespace", NS, "kuberelay.dev/inject=enabled", "--overwrite"]);
  await waitRelayKeyReady(stack, NS, "app");
  await waitFor("the default ServiceAccount", async () =>
    (await stack.cp.kubectl(["get", "serviceaccount", "default", "-n", NS])).stdout ? true : undefined,
  );
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

describe("webhook injection", () => {
  it("injects a Pod of a labelled namespace without the annotation, Bedrock variables included", async () => {
    const [app] = await createPod("by-namespace", { "kuberelay.dev/relay-key": "app" });
    const byName = new Map((app?.env ?? []).map((e) => [e.name, e]));
    const gateway = stack.gateways[0]?.url;
    expect(byName.get("OPENAI_BASE_URL")?.value).toBe(`${gateway}/v1`);
    expect(byName.get("AWS_ENDPOINT_URL_BEDROCK_RUNTIME")?.value).toBe(gateway);
    const ref = { name: "app-relay-key", key: "key" };
    expect(byName.get("OPENAI_API_KEY")?.valueFrom?.secretKeyRef).toEqual(ref);
    expect(byName.get("AWS_BEARER_TOKEN_BEDROCK")?.valueFrom?.secretKeyRef).toEqual(ref);
  });

  it("leaves a Pod that opts out alone", async () => {
    const [app] = await createPod("opted-out", { "kuberelay.dev/inject": "false" });
    expect(app?.env).toBeUndefined();
  });

  it("injects only the containers the annotation names", async () => {
    const [a, b] = await createPod("only-b", { "kuberelay.dev/containers": "b" }, ["a", "b"]);
    expect(a?.env).toBeUndefined();
    expect(envNames(b)).toContain("OPENAI_BASE_URL");
  });

  it("admits with base URLs and records a RelayKeyNotReady Event for a missing RelayKey", async () => {
    const [app] = await createPod("missing-key", { "kuberelay.dev/relay-key": "nope" });
    expect(envNames(app)).toEqual([
      "OPENAI_BASE_URL",
      "ANTHROPIC_BASE_URL",
      "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
    ]);
    const event = await waitFor("the RelayKeyNotReady Event", async () => {
      const { stdout } = await stack.cp.kubectl([
        "get",
        "events.events.k8s.io",
        "-n",
        NS,
        "--field-selector",
        "reason=RelayKeyNotReady",
        "-o",
        "json",
      ]);
      return JSON.parse(stdout).items.find(
        (e: { regarding?: { name?: string } }) => e.regarding?.name === "missing-key",
      );
    });
    expect(event).toMatchObject({ type: "Warning", action: "Inject", reason: "RelayKeyNotReady" });
    expect(event.note).toContain(`${NS}/nope`);
  });

  it("gives two Pods of the same spec identical env", async () => {
    const annotations = { "kuberelay.dev/relay-key": "app" };
    const first = await createPod("twin-1", annotations, ["a", "b"]);
    const second = await createPod("twin-2", annotations, ["a", "b"]);
    expect(second.map((c) => c.env)).toEqual(first.map((c) => c.env));
  });

  it("counts admissions on /metrics", async () => {
    const text = await (await fetch(metricsUrl)).text();
    expect(text).toMatch(/kuberelay_webhook_admissions_total\{result="injected"\} [1-9]/);
    expect(text).toMatch(/kuberelay_webhook_warnings_total\{reason="RelayKeyNotFound"\} [1-9]/);
    expect(text).toContain("kuberelay_webhook_admission_duration_seconds_count");
  });
});
