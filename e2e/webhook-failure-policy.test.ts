/**
 * The webhook's failure policy, both ways, on a real kube-apiserver with the webhook process stopped:
 * by default a Pod is admitted uninjected (and the operator reports it: Event, metric, /statusz);
 * with fail-closed labelled namespaces, Pod creation there is refused while other namespaces are
 * unaffected, and works (injected) again once the webhook is back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack } from "./harness/kuberelay-stack.js";
import { waitFor } from "./harness/wait-for.js";

const LABELLED = "fp-labelled";
const PLAIN = "fp-plain";
const ASK = { "kuberelay.dev/inject": "true" };
let stack: Stack;

interface PodJson {
  metadata: { name: string; namespace: string; uid: string; annotations?: Record<string, string> };
  spec: { containers: Array<{ name: string; env?: Array<{ name: string }> }> };
}
interface Status {
  leading: boolean;
  missedInjections: { count: number; pods: Array<{ namespace: string; name: string; by: string }> };
}

function podManifest(namespace: string, name: string, annotations: Record<string, string> = {}): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, annotations },
    spec: { containers: [{ name: "app", image: "example.invalid/app:1" }] },
  });
}

async function createPod(
  namespace: string,
  name: string,
  annotations?: Record<string, string>,
): Promise<PodJson> {
  const { stdout } = await stack.cp.kubectl(
    ["create", "-o", "json", "-f", "-"],
    podManifest(namespace, name, annotations),
  );
  return JSON.parse(stdout);
}

/** The error kubectl prints when the API server refuses the Pod; undefined when it is created. */
async function refusal(namespace: string, name: string, dryRun = false): Promise<string | undefined> {
  const args = ["create", "-f", "-", ...(dryRun ? ["--dry-run=server"] : [])];
  return stack.cp.kubectl(args, podManifest(namespace, name)).then(
    () => undefined,
    (err: unknown) => (err instanceof Error ? err.message : String(err)),
  );
}

const envNames = (pod: PodJson) => (pod.spec.containers[0]?.env ?? []).map((e) => e.name);

async function operatorStatus(): Promise<Status> {
  const url = stack.operatorOpsUrls[0];
  return (await (await fetch(`${url}/statusz`)).json()) as Status;
}

async function missingGauge(): Promise<number> {
  const text = await (await fetch(`${stack.operatorOpsUrls[0]}/metrics`)).text();
  const match = /^kuberelay_operator_pods_missing_injection (\d+)$/m.exec(text);
  return Number(match?.[1] ?? Number.NaN);
}

async function missedNames(): Promise<string[]> {
  return (await operatorStatus()).missedInjections.pods.map((p) => `${p.namespace}/${p.name}`);
}

async function injectionMissedEvent(namespace: string, pod: string) {
  const { stdout } = await stack.cp.kubectl([
    "get",
    "events.events.k8s.io",
    "-n",
    namespace,
    "--field-selector",
    "reason=InjectionMissed",
    "-o",
    "json",
  ]);
  const items: Array<{
    regarding?: { name?: string };
    type?: string;
    note?: string;
    reportingController?: string;
  }> = JSON.parse(stdout).items;
  return items.filter((e) => e.regarding?.name === pod);
}

beforeAll(async () => {
  stack = await startStack({ gateways: 1 });
  for (const ns of [LABELLED, PLAIN]) await stack.cp.kubectl(["create", "namespace", ns]);
  await stack.cp.kubectl(["label", "namespace", LABELLED, "kuberelay.dev/inject=enabled"]);
  for (const ns of [LABELLED, PLAIN]) {
    await waitFor(`the default ServiceAccount in ${ns}`, async () =>
      (await stack.cp.kubectl(["get", "serviceaccount", "default", "-n", ns])).stdout ? true : undefined,
    );
  }
  await waitFor("the operator to lead", async () => ((await operatorStatus()).leading ? true : undefined));
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

describe("failure policy Ignore (the default)", () => {
  it("admits Pods that ask for injection, uninjected, while the webhook is stopped", async () => {
    expect(envNames(await createPod(LABELLED, "before-outage"))).toContain("OPENAI_BASE_URL");
    expect(await stack.webhook.stop()).toBe(0);

    const byLabel = await createPod(LABELLED, "outage-by-label");
    const byAnnotation = await createPod(PLAIN, "outage-by-annotation", ASK);
    for (const pod of [byLabel, byAnnotation]) {
      expect(pod.spec.containers[0]?.env).toBeUndefined();
      expect(pod.metadata.annotations?.["kuberelay.dev/injected"]).toBeUndefined();
    }
  });

  it("has the operator report each missed Pod: a Warning Event, the gauge and /statusz", async () => {
    const expected = [`${LABELLED}/outage-by-label`, `${PLAIN}/outage-by-annotation`];
    await waitFor("both Pods in /statusz", async () =>
      (await missedNames()).join() === expected.join() ? true : undefined,
    );
    const status = await operatorStatus();
    expect(status.missedInjections).toMatchObject({
      count: 2,
      pods: [
        { namespace: LABELLED, name: "outage-by-label", by: "namespace" },
        { namespace: PLAIN, name: "outage-by-annotation", by: "annotation" },
      ],
    });
    expect(await missingGauge()).toBe(2);
    for (const [namespace, name] of [
      [LABELLED, "outage-by-label"],
      [PLAIN, "outage-by-annotation"],
    ] as const) {
      const [event, ...more] = await waitFor(`the InjectionMissed Event on ${name}`, async () => {
        const found = await injectionMissedEvent(namespace, name);
        return found.length > 0 ? found : undefined;
      });
      expect(more).toEqual([]);
      expect(event).toMatchObject({ type: "Warning", reportingController: "kuberelay.dev/operator" });
      expect(event?.note).toContain("Delete the Pod");
    }
  });

  it("does not report Pods the restarted webhook injects, and forgets a missed Pod once deleted", async () => {
    await stack.restartWebhook();
    const injected = await createPod(PLAIN, "after-outage", ASK);
    expect(envNames(injected)).toContain("OPENAI_BASE_URL");
    expect(injected.metadata.annotations?.["kuberelay.dev/injected"]).toContain("OPENAI_BASE_URL");

    await stack.cp.kubectl(["delete", "pod", "-n", PLAIN, "outage-by-annotation", "--wait=false"]);
    await waitFor("the deleted Pod to leave /statusz", async () =>
      (await missedNames()).join() === `${LABELLED}/outage-by-label` ? true : undefined,
    );
    expect(await missingGauge()).toBe(1);
    expect(await injectionMissedEvent(PLAIN, "after-outage")).toEqual([]);
    expect(await injectionMissedEvent(LABELLED, "before-outage")).toEqual([]);
  });
});

describe("fail closed for labelled namespaces", () => {
  beforeAll(async () => {
    await stack.registerWebhook({ failClosedForLabelledNamespaces: true });
    await stack.webhook.stop();
    // The API server picks up the new configuration within moments; a dry run calls webhooks too.
    await waitFor("the fail-closed entry to take effect", async () =>
      (await refusal(LABELLED, "probe", true)) === undefined ? undefined : true,
    );
  });

  it("refuses Pod creation in a labelled namespace while the webhook is stopped", async () => {
    const error = await refusal(LABELLED, "refused");
    expect(error).toContain('failed calling webhook "labelled-namespaces.pods.inject.kuberelay.dev"');
    expect(error).toMatch(/connection refused/);
  });

  it("still admits a Pod that opts out there, and Pods of other namespaces, uninjected", async () => {
    const optedOut = await createPod(LABELLED, "opted-out", { "kuberelay.dev/inject": "false" });
    expect(optedOut.spec.containers[0]?.env).toBeUndefined();
    const elsewhere = await createPod(PLAIN, "closed-elsewhere", ASK);
    expect(elsewhere.spec.containers[0]?.env).toBeUndefined();
  });

  it("creates and injects Pods in the labelled namespace again once the webhook is back", async () => {
    await stack.restartWebhook();
    const pod = await waitFor("a Pod to be admitted", async () => createPod(LABELLED, "back"), 15_000);
    expect(envNames(pod)).toContain("OPENAI_BASE_URL");
  });
});
