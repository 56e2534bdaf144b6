/**
 * The steps a platform team and an app team take on a cluster, shared by the cluster suite and
 * `make cluster-demo`: install the chart, run the mock provider, apply the quick-start resources
 * and deploy a workload that the webhook injects.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { HelmCli } from "../harness/helm-cli.js";
import { quickstartManifests } from "../harness/quickstart-manifests.js";
import { runCommand } from "../harness/run-command.js";
import { waitFor } from "../harness/wait-for.js";
import type { ImageArchive } from "./node/node-binaries.js";
import type { NodeCluster } from "./node/node-cluster.js";
import { getInNode } from "./node/node-process.js";
import {
  mockProviderManifests,
  mockProviderPort,
  restrictedNamespace,
  sdkClientManifest,
} from "./workloads.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
export const chart = join(root, "charts", "kuberelay");
export const release = "kuberelay";
export const systemNamespace = "kuberelay-system";

export function helmTarget(cluster: NodeCluster): string[] {
  return [`--kubeconfig=${cluster.kubeconfigPath}`, `--namespace=${systemNamespace}`];
}

/** helm install into a namespace that enforces the restricted Pod Security Standard. */
/** The cluster IP of one of the release's Services (reachable only inside the node's namespace). */
export async function serviceIP(cluster: NodeCluster, service: string): Promise<string> {
  const { stdout } = await cluster.kubectl([
    ...["-n", systemNamespace, "get", "service", service],
    ...["-o", "jsonpath={.spec.clusterIP}"],
  ]);
  return stdout;
}

export async function installChart(cluster: NodeCluster, helm: HelmCli, image: ImageArchive): Promise<void> {
  const [repository, tag] = image.ref.split(":") as [string, string];
  await cluster.kubectl(["apply", "-f", "-"], restrictedNamespace(systemNamespace));
  await helm.run([
    "install",
    release,
    chart,
    ...helmTarget(cluster),
    `--set=image.repository=${repository}`,
    `--set=image.tag=${tag}`,
    "--set=image.pullPolicy=Never",
    "--wait",
    "--timeout=5m",
  ]);
  // Ready Pods are not yet a routable Service: kube-proxy programs the endpoints a moment later
  // (seconds on a loaded node), and until then the API server gets "connection refused" and admits
  // Pods uninjected (failurePolicy Ignore). Wait until the webhook answers through its Service.
  const ip = await serviceIP(cluster, `${release}-webhook`);
  await waitFor(
    "the webhook to answer through its Service",
    async () => ((await getInNode(cluster.ns, `https://${ip}:443/healthz`)) === undefined ? undefined : true),
    60_000,
    250,
  );
}

/** The mock provider behind a Service, and the team's Secret, ProviderKey, Policy and RelayKey. */
export async function applyProviderAndKey(
  cluster: NodeCluster,
  image: ImageArchive,
  opts: { mockNamespace: string; teamNamespace: string; providerSecret: string },
): Promise<void> {
  const { kubectl } = cluster;
  await kubectl(["apply", "-f", "-"], restrictedNamespace(opts.mockNamespace));
  // Through stdin, so that the key never appears in a process list.
  await kubectl(
    ["apply", "-f", "-"],
    JSON.stringify({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "mock-openai", namespace: opts.mockNamespace },
      stringData: { apiKey: opts.providerSecret },
    }),
  );
  await kubectl(["apply", "-f", "-"], mockProviderManifests(opts.mockNamespace, image.ref, "mock-openai"));
  await kubectl(["apply", "-f", "-"], restrictedNamespace(opts.teamNamespace));
  await kubectl(
    ["apply", "-f", "-"],
    quickstartManifests({
      namespace: opts.teamNamespace,
      upstreamURL: `http://mock-provider.${opts.mockNamespace}.svc.cluster.local:${mockProviderPort}/v1`,
      providerSecret: opts.providerSecret,
    }),
  );
  await kubectl([
    "-n",
    opts.mockNamespace,
    "rollout",
    "status",
    "deployment/mock-provider",
    "--timeout=120s",
  ]);
  await kubectl(["-n", opts.teamNamespace, "wait", "relaykey/app", "--for=condition=Ready", "--timeout=60s"]);
}

/** Builds the SDK client image on the kuberelay image, imports it and deploys it annotated. */
export async function deploySdkClient(
  cluster: NodeCluster,
  image: ImageArchive,
  namespace: string,
): Promise<void> {
  const { stdout } = await runCommand(
    "bash",
    [join(root, "e2e", "cluster", "sdk-client", "build.sh"), image.ref],
    {
      stderr: "inherit",
    },
  );
  const [clientRef, clientArchive] = (stdout.trim().split("\n").at(-1) ?? "").split(" ") as [string, string];
  await cluster.importImage(clientArchive);
  await cluster.kubectl(["apply", "-f", "-"], sdkClientManifest(namespace, clientRef, "app"));
  await cluster.kubectl(["-n", namespace, "rollout", "status", "deployment/sdk-client", "--timeout=120s"]);
}

export interface ClientLine {
  n?: number;
  stream?: boolean;
  ok?: boolean;
  status?: number | null;
  error?: string;
  at?: number;
}

/** The SDK client's log: one JSON line per request. */
export async function sdkClientLines(cluster: NodeCluster, namespace: string): Promise<ClientLine[]> {
  const { stdout } = await cluster.kubectl(["-n", namespace, "logs", "deployment/sdk-client", "--tail=-1"]);
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as ClientLine);
}
