/**
 * kuberelay as Pods on a real node: `helm install` of the chart with the image built from our
 * Dockerfile, under real Pod Security admission, containerd and runc; an app's Deployment gets
 * its environment from the webhook and reaches the gateway through its Service name with the
 * official openai SDK.
 */
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { chatStatus } from "../harness/chat-status.js";
import { createHelmCli, type HelmCli } from "../harness/helm-cli.js";
import { waitFor } from "../harness/wait-for.js";
import {
  applyProviderAndKey,
  chart,
  deploySdkClient,
  helmTarget as helmTargetOf,
  installChart,
  release,
  sdkClientLines,
  systemNamespace,
} from "./cluster-steps.js";
import { type ImageArchive, kuberelayImage } from "./node/node-binaries.js";
import { type NodeCluster, startNodeCluster } from "./node/node-cluster.js";
import { restrictedContainerSecurity, restrictedPodSecurity } from "./workloads.js";

const system = systemNamespace;
const team = "team-a";
const mockNs = "llm-mock";

let cluster: NodeCluster | undefined;
let image: ImageArchive | undefined;
let helm: HelmCli | undefined;
let failed = false;
const providerSecret = `sk-${randomBytes(24).toString("hex")}`;

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not up`);
  return value;
}

const kubectl = (args: readonly string[], input?: string) =>
  need(cluster, "the cluster").kubectl(args, input);

interface PodJson {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string };
  status: { phase?: string; conditions?: { type: string; status: string }[] };
}

async function pods(namespace: string, selector?: string): Promise<PodJson[]> {
  const args = ["-n", namespace, "get", "pods", "-o", "json", ...(selector ? ["-l", selector] : [])];
  return JSON.parse((await kubectl(args)).stdout).items as PodJson[];
}

const ready = (p: PodJson) =>
  p.status.phase === "Running" &&
  p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;

const clientLines = () => sdkClientLines(need(cluster, "the cluster"), team);

const helmTarget = () => helmTargetOf(need(cluster, "the cluster"));

async function podIps(namespace: string, selector: string): Promise<string[]> {
  const { stdout } = await kubectl([
    "-n",
    namespace,
    "get",
    "pods",
    "-l",
    selector,
    "-o",
    "jsonpath={.items[*].status.podIP}",
  ]);
  return stdout.split(" ").filter(Boolean);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  // The image builds while the node starts: both are minutes on a cold machine.
  const imageBuilt = kuberelayImage();
  // Awaited below; until then a failed build must not count as an unhandled rejection.
  imageBuilt.catch(() => {});
  cluster = await startNodeCluster();
  image = await imageBuilt;
  await cluster.importImage(image.archive);
  helm = await createHelmCli();
  console.log(`cluster up: ${JSON.stringify(cluster.timings)}`);
}, 1_800_000); // a cold machine builds the node's binaries and images first

afterEach((context) => {
  if (context.task.result?.state === "fail") failed = true;
});

afterAll(async () => {
  if (cluster !== undefined && failed) console.log(await cluster.diagnostics());
  await helm?.cleanup();
  await cluster?.stop();
  // The run removes all it made: a second run on this machine starts clean.
  expect(cluster?.leftovers() ?? []).toEqual([]);
}, 120_000);

describe("kuberelay on a one-node cluster", () => {
  it("helm install brings the operator, webhook and two gateways to Running and Ready in a restricted namespace", async () => {
    const started = Date.now();
    await installChart(need(cluster, "the cluster"), need(helm, "helm"), need(image, "the image"));
    const installToReadyMs = Date.now() - started;
    const all = await pods(system);
    const byComponent = (name: string) =>
      all.filter((p) => p.metadata.labels?.["app.kubernetes.io/component"] === name);
    expect(byComponent("operator").filter(ready)).toHaveLength(2);
    expect(byComponent("webhook").filter(ready)).toHaveLength(2);
    expect(byComponent("gateway").filter(ready)).toHaveLength(2);
    console.log(`helm install to all Ready: ${(installToReadyMs / 1000).toFixed(1)} s`);
    console.log((await kubectl(["get", "pods", "-A", "-o", "wide"])).stdout);
  });

  it("an annotated Deployment's openai SDK client reaches the gateway by its Service name, streamed and not", async () => {
    const c = need(cluster, "the cluster");
    await applyProviderAndKey(c, need(image, "the image"), {
      mockNamespace: mockNs,
      teamNamespace: team,
      providerSecret,
    });
    await deploySdkClient(c, need(image, "the image"), team);

    const [client] = await pods(team, "app=sdk-client");
    const env = JSON.parse(
      (await kubectl(["-n", team, "get", "pod", need(client, "the client Pod").metadata.name, "-o", "json"]))
        .stdout,
    ).spec.containers[0].env as { name: string; value?: string; valueFrom?: unknown }[];
    expect(env.find((e) => e.name === "OPENAI_BASE_URL")?.value).toMatch(
      new RegExp(`^http://${release}-gateway\\.${system}\\.svc`),
    );
    expect(env.find((e) => e.name === "OPENAI_API_KEY")?.valueFrom).toEqual({
      secretKeyRef: { name: "app-relay-key", key: "key" },
    });

    const lines = await waitFor(
      "a non-streamed and a streamed answer in the client's log",
      async () => {
        const l = await clientLines();
        return l.some((x) => x.ok && x.stream === false) && l.some((x) => x.ok && x.stream === true)
          ? l
          : undefined;
      },
      60_000,
      1_000,
    );
    expect(lines.filter((l) => l.n !== undefined && !l.ok)).toEqual([]);

    // The API server reached the webhook through its Service, trusting the operator's CA.
    const webhook = JSON.parse(
      (await kubectl(["get", "mutatingwebhookconfiguration", release, "-o", "json"])).stdout,
    ).webhooks[0].clientConfig as { service?: { name: string }; url?: string; caBundle?: string };
    expect(webhook.url).toBeUndefined();
    expect(webhook.service?.name).toBe(`${release}-webhook`);
    expect(webhook.caBundle?.length ?? 0).toBeGreaterThan(100);
  });

  it("helm upgrade rolls every Pod while the client keeps sending: no request fails", async () => {
    const gatewaySelector = "app.kubernetes.io/component=gateway";
    const before = (await pods(system, gatewaySelector)).map((p) => p.metadata.name);
    const started = Date.now();
    await need(helm, "helm").run([
      "upgrade",
      release,
      chart,
      ...helmTarget(),
      "--reuse-values",
      "--set=logLevel=debug",
      "--wait",
      "--timeout=5m",
    ]);
    const rolledMs = Date.now() - started;
    // A few more requests land on the new gateways only.
    await sleep(3_000);
    // helm --wait returns once the new Pods are ready; old ones may still be draining (preStop).
    const after = (await pods(system, gatewaySelector))
      .filter((p) => ready(p) && p.metadata.deletionTimestamp === undefined)
      .map((p) => p.metadata.name);
    const during = (await clientLines()).filter((l) => l.n !== undefined && (l.at ?? 0) >= started);
    const failures = during.filter((l) => !l.ok);
    console.log(
      `helm upgrade: rolled in ${(rolledMs / 1000).toFixed(1)} s; the client sent ${during.length} requests meanwhile, ${failures.length} failed`,
    );
    expect(after).toHaveLength(2);
    expect(after.filter((name) => before.includes(name))).toEqual([]);
    expect(failures).toEqual([]);
    expect(during.length).toBeGreaterThan(20);
  });

  it("with the webhook down (failurePolicy Ignore) a Pod is admitted uninjected and reported as missed", async () => {
    const webhookSelector = "app.kubernetes.io/component=webhook";
    await kubectl(["-n", system, "scale", `deployment/${release}-webhook`, "--replicas=0"]);
    await kubectl(["-n", system, "wait", "pod", "-l", webhookSelector, "--for=delete", "--timeout=60s"]);
    const manifest = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: "admitted-while-down",
        namespace: team,
        annotations: { "kuberelay.dev/inject": "true", "kuberelay.dev/relay-key": "app" },
      },
      spec: {
        securityContext: restrictedPodSecurity,
        automountServiceAccountToken: false,
        containers: [
          {
            name: "app",
            image: need(image, "the image").ref,
            imagePullPolicy: "Never",
            command: ["node", "-e", "setInterval(() => {}, 1 << 30)"],
            securityContext: restrictedContainerSecurity,
          },
        ],
      },
    };
    await kubectl(["apply", "-f", "-"], JSON.stringify(manifest));
    const pod = JSON.parse(
      (await kubectl(["-n", team, "get", "pod", "admitted-while-down", "-o", "json"])).stdout,
    );
    expect(JSON.stringify(pod.spec.containers[0].env ?? [])).not.toContain("OPENAI_BASE_URL");
    const event = await waitFor(
      "an InjectionMissed event",
      async () => {
        const { stdout } = await kubectl([
          "-n",
          team,
          "get",
          "events",
          "--field-selector",
          "reason=InjectionMissed,involvedObject.name=admitted-while-down",
          "-o",
          "json",
        ]);
        return JSON.parse(stdout).items[0] as { type: string } | undefined;
      },
      60_000,
      1_000,
    );
    expect(event.type).toBe("Warning");
    await kubectl(["-n", team, "delete", "pod", "admitted-while-down", "--wait=false"]);
    await kubectl(["-n", system, "scale", `deployment/${release}-webhook`, "--replicas=2"]);
    await kubectl(["-n", system, "rollout", "status", `deployment/${release}-webhook`, "--timeout=120s"]);
  });

  it("deleting the RelayKey makes every gateway Pod refuse the key", async () => {
    const c = need(cluster, "the cluster");
    const secret = JSON.parse(
      (await kubectl(["-n", team, "get", "secret", "app-relay-key", "-o", "json"])).stdout,
    );
    const key = Buffer.from(secret.data.key as string, "base64").toString("utf8");
    const gateways = await Promise.all(
      (await podIps(system, "app.kubernetes.io/component=gateway")).map(async (ip) => {
        const f = await c.forward(ip, 8787);
        return { ip, base: `http://${f.host}:${f.port}` };
      }),
    );
    expect(gateways).toHaveLength(2);
    for (const g of gateways) expect(await chatStatus(g.base, key)).toBe(200);

    const deleted = Date.now();
    await kubectl(["-n", team, "delete", "relaykey", "app", "--wait=false"]);
    const refusedAfter = await Promise.all(
      gateways.map(async (g) => {
        await waitFor(`gateway ${g.ip} to refuse the key`, async () =>
          (await chatStatus(g.base, key)) === 401 ? true : undefined,
        );
        return Date.now() - deleted;
      }),
    );
    console.log(
      `RelayKey deleted: refused by the gateway Pods after ${refusedAfter.map((ms) => `${ms} ms`).join(" and ")}`,
    );
  });

  it("helm uninstall removes the release and leaves the CRDs and the master key", async () => {
    await need(helm, "helm").run(["uninstall", release, ...helmTarget(), "--wait", "--timeout=2m"]);
    await kubectl(["-n", system, "wait", "pod", "--all", "--for=delete", "--timeout=90s"]);
    // kube-root-ca.crt and the default ServiceAccount belong to the namespace; the master key is kept
    // (helm.sh/resource-policy: keep) so that nothing sealed under it is lost. The operator's own
    // Secrets go with its Deployment, through the garbage collector, a moment after it.
    const expected = ["configmap/kube-root-ca.crt", `secret/${release}-master-key`, "serviceaccount/default"];
    const leftover = async () =>
      (
        await kubectl([
          "-n",
          system,
          "get",
          "deployments,replicasets,services,serviceaccounts,roles,rolebindings,poddisruptionbudgets,secrets,configmaps",
          "-o",
          "name",
        ])
      ).stdout
        .split("\n")
        .filter(Boolean)
        .sort();
    await waitFor("the garbage collector", async () =>
      JSON.stringify(await leftover()) === JSON.stringify(expected) ? true : undefined,
    ).catch(() => {});
    expect(await leftover()).toEqual(expected);
    const cluster = await kubectl([
      "get",
      "mutatingwebhookconfigurations,clusterroles,clusterrolebindings",
      "-l",
      `app.kubernetes.io/instance=${release}`,
      "-o",
      "name",
    ]);
    expect(cluster.stdout.trim()).toBe("");
    const crds = await kubectl(["get", "crds", "-o", "name"]);
    expect(crds.stdout).toContain("relaykeys.kuberelay.dev");
    expect(crds.stdout).toContain("providerkeys.kuberelay.dev");
    expect(crds.stdout).toContain("policies.kuberelay.dev");
  });
});
