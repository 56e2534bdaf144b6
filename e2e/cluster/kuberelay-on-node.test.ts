/**
 * kuberelay as Pods on a real node: `helm install` of the chart with the image built from our
 * Dockerfile, under real Pod Security admission, containerd and runc; an app's Deployment gets
 * its environment from the webhook and reaches the gateway through its Service name with the
 * official openai SDK.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createHelmCli, type HelmCli } from "../harness/helm-cli.js";
import { quickstartManifests } from "../harness/quickstart-manifests.js";
import { runCommand } from "../harness/run-command.js";
import { waitFor } from "../harness/wait-for.js";
import { type ImageArchive, kuberelayImage } from "./node/node-binaries.js";
import { type NodeCluster, startNodeCluster } from "./node/node-cluster.js";
import {
  mockProviderManifests,
  mockProviderPort,
  restrictedNamespace,
  sdkClientManifest,
} from "./workloads.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const release = "kuberelay";
const system = "kuberelay-system";
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
  metadata: { name: string; labels?: Record<string, string> };
  status: { phase?: string; conditions?: { type: string; status: string }[] };
}

async function pods(namespace: string, selector?: string): Promise<PodJson[]> {
  const args = ["-n", namespace, "get", "pods", "-o", "json", ...(selector ? ["-l", selector] : [])];
  return JSON.parse((await kubectl(args)).stdout).items as PodJson[];
}

const ready = (p: PodJson) =>
  p.status.phase === "Running" &&
  p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;

interface ClientLine {
  n?: number;
  stream?: boolean;
  ok?: boolean;
  status?: number | null;
  error?: string;
  at?: number;
}

async function clientLines(): Promise<ClientLine[]> {
  const { stdout } = await kubectl(["-n", team, "logs", "deployment/sdk-client", "--tail=-1"]);
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as ClientLine);
}

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
}, 120_000);

describe("kuberelay on a one-node cluster", () => {
  it("helm install brings the operator, webhook and two gateways to Running and Ready in a restricted namespace", async () => {
    const c = need(cluster, "the cluster");
    const [repository, tag] = need(image, "the image").ref.split(":") as [string, string];
    await kubectl(["apply", "-f", "-"], restrictedNamespace(system));
    const started = Date.now();
    await need(helm, "helm").run([
      "install",
      release,
      join(root, "charts", "kuberelay"),
      `--kubeconfig=${c.kubeconfigPath}`,
      `--namespace=${system}`,
      `--set=image.repository=${repository}`,
      `--set=image.tag=${tag}`,
      "--set=image.pullPolicy=Never",
      "--wait",
      "--timeout=5m",
    ]);
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
    await kubectl(["apply", "-f", "-"], restrictedNamespace(mockNs));
    await kubectl([
      "-n",
      mockNs,
      "create",
      "secret",
      "generic",
      "mock-openai",
      `--from-literal=apiKey=${providerSecret}`,
    ]);
    await kubectl(
      ["apply", "-f", "-"],
      mockProviderManifests(mockNs, need(image, "the image").ref, "mock-openai"),
    );
    await kubectl(["apply", "-f", "-"], restrictedNamespace(team));
    await kubectl(
      ["apply", "-f", "-"],
      quickstartManifests({
        namespace: team,
        upstreamURL: `http://mock-provider.${mockNs}.svc.cluster.local:${mockProviderPort}/v1`,
        providerSecret,
      }),
    );
    await kubectl(["-n", mockNs, "rollout", "status", "deployment/mock-provider", "--timeout=120s"]);
    await kubectl(["-n", team, "wait", "relaykey/app", "--for=condition=Ready", "--timeout=60s"]);

    const { stdout } = await runCommand(
      "bash",
      [join(root, "e2e", "cluster", "sdk-client", "build.sh"), need(image, "the image").ref],
      {
        stderr: "inherit",
      },
    );
    const [clientRef, clientArchive] = (stdout.trim().split("\n").at(-1) ?? "").split(" ") as [
      string,
      string,
    ];
    await c.importImage(clientArchive);
    await kubectl(["apply", "-f", "-"], sdkClientManifest(team, clientRef, "app"));
    await kubectl(["-n", team, "rollout", "status", "deployment/sdk-client", "--timeout=120s"]);

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
  });
});
