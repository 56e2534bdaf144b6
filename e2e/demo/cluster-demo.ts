/**
 * `make cluster-demo`: the same loop as `make demo`, with kuberelay running as Pods on a real
 * one-node cluster (containerd, runc, kubelet, kube-proxy, CoreDNS) installed by `helm install`
 * from the image our Dockerfile builds. Slower to start than `make demo`: it builds the image.
 * Set DEMO_HOLD=1 to keep the cluster afterwards (Ctrl-C stops it and removes everything).
 */
import { randomBytes } from "node:crypto";
import OpenAI from "openai";
import {
  applyProviderAndKey,
  deploySdkClient,
  installChart,
  release,
  sdkClientLines,
  serviceIP,
  systemNamespace,
} from "../cluster/cluster-steps.js";
import { kuberelayImage } from "../cluster/node/node-binaries.js";
import { type NodeCluster, startNodeCluster } from "../cluster/node/node-cluster.js";
import { createHelmCli, type HelmCli } from "../harness/helm-cli.js";
import { createStepPrinter } from "./step-printer.js";

const team = "team-a";
const { step, show } = createStepPrinter();

async function run(cluster: NodeCluster, helm: HelmCli): Promise<void> {
  step(
    "building the image from the Dockerfile (cached by content) and loading it into the node's containerd",
  );
  const image = await kuberelayImage();
  await cluster.importImage(image.archive);
  show(image.ref);

  step(
    `helm install ${release} charts/kuberelay -n ${systemNamespace} (namespace enforces restricted Pod Security)`,
  );
  const installStarted = Date.now();
  await installChart(cluster, helm, image);
  show(`all Pods Ready ${((Date.now() - installStarted) / 1000).toFixed(1)} s after helm install`);
  show((await cluster.kubectl(["get", "pods", "-A", "-o", "wide"])).stdout);

  step(
    `kubectl apply: the mock provider (a Pod behind a Service), then Secret, ProviderKey, Policy, RelayKey in "${team}"`,
  );
  await applyProviderAndKey(cluster, image, {
    mockNamespace: "llm-mock",
    teamNamespace: team,
    providerSecret: `sk-${randomBytes(24).toString("hex")}`,
  });
  show((await cluster.kubectl(["get", "kuberelay", "-n", team])).stdout);

  step(
    'an annotated Deployment (kuberelay.dev/inject: "true") running the openai SDK; the webhook injected its env',
  );
  await deploySdkClient(cluster, image, team);
  const env = await cluster.kubectl([
    "-n",
    team,
    "get",
    "pods",
    "-l",
    "app=sdk-client",
    "-o",
    "jsonpath={.items[0].spec.containers[0].env}",
  ]);
  for (const e of JSON.parse(env.stdout) as Array<{ name: string; value?: string; valueFrom?: unknown }>) {
    show(`${e.name}=${e.value ?? JSON.stringify(e.valueFrom)}`);
  }

  step("the client's requests through the gateway Service (its log: one line per request)");
  for (let i = 0; i < 50; i++) {
    const lines = await sdkClientLines(cluster, team);
    if (lines.filter((l) => l.ok).length >= 4) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  show((await cluster.kubectl(["-n", team, "logs", "deployment/sdk-client", "--tail=5"])).stdout);

  step("from this machine: the openai SDK through a loopback forward to the gateway Service");
  const ip = await serviceIP(cluster, `${release}-gateway`);
  const forward = await cluster.forward(ip, 8787);
  const { stdout: encoded } = await cluster.kubectl([
    "-n",
    team,
    "get",
    "secret",
    "app-relay-key",
    "-o",
    "jsonpath={.data.key}",
  ]);
  const key = Buffer.from(encoded, "base64").toString("utf8");
  const openai = new OpenAI({
    apiKey: key,
    baseURL: `http://${forward.host}:${forward.port}/v1`,
    maxRetries: 0,
  });
  const completion = await openai.chat.completions.create({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "hello from the cluster demo" }],
  });
  show(`reply: ${completion.choices[0]?.message.content} (tokens: ${completion.usage?.total_tokens})`);

  step("kubectl delete relaykey app → the gateways refuse the key");
  const deletedAt = Date.now();
  await cluster.kubectl(["-n", team, "delete", "relaykey", "app", "--wait=false"]);
  for (;;) {
    const refused = await openai.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] })
      .then(
        () => false,
        (e: unknown) => e instanceof OpenAI.APIError && e.status === 401,
      );
    if (refused) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  show(`401 after ${Date.now() - deletedAt} ms`);
}

async function main(): Promise<void> {
  step(
    "starting a one-node cluster in its own network namespace (control plane, containerd, kubelet, kube-proxy, CoreDNS)",
  );
  const cluster = await startNodeCluster();
  show(`up in ${(Object.values(cluster.timings).reduce((a, b) => a + b, 0) / 1000).toFixed(1)} s`);
  const helm = await createHelmCli();
  try {
    await run(cluster, helm);
    if (process.env.DEMO_HOLD === "1") {
      step(`holding: KUBECONFIG=${cluster.kubeconfigPath} (Ctrl-C to stop)`);
      await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
    }
  } catch (err) {
    process.stdout.write(`${await cluster.diagnostics()}\n`);
    throw err;
  } finally {
    step("stopping the node and removing everything it made (namespaces, cgroups, mounts, files)");
    await helm.cleanup();
    await cluster.stop();
  }
  step("done");
}

main().catch((err: unknown) => {
  process.stderr.write(`cluster demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
