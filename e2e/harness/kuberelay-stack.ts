/**
 * The whole system on a real control plane: CRDs, RBAC, operator, gateways and webhook as
 * separate processes under their own ServiceAccounts, and the mock provider upstream.
 * Used by the e2e tests and by `make demo`.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { DEFAULT_CONFIG_SECRET } from "../../common/names.js";
import { type MockProvider, type MockProviderOptions, startMockProvider } from "../mock-provider/server.js";
import type { Produced } from "./canary.js";
import { recordResponses } from "./captured-responses.js";
import { issueCert } from "./certs.js";
import { type ControlPlane, startControlPlane } from "./control-plane.js";
import { type KuberelayProcess, repoRoot, startKuberelay } from "./kuberelay-process.js";
import { rbacManifests } from "./rbac-manifests.js";
import { SecretCanaries } from "./secret-canaries.js";
import { watchSecretHistory } from "./secret-history.js";
import { readOpsBeforeStop, scanStackForLeaks } from "./stack-leak-scan.js";

export const SYSTEM_NAMESPACE = "kuberelay-system";
export const WEBHOOK_CONFIG_NAME = "kuberelay-inject";
/** With `operatorTls`: the Secrets the operator keeps and the webhook serves from. */
export const WEBHOOK_TLS = {
  secret: "kuberelay-webhook-tls",
  caSecret: "kuberelay-webhook-tls-ca",
  webhookConfig: WEBHOOK_CONFIG_NAME,
} as const;

export interface GatewayHandle {
  proc: KuberelayProcess;
  url: string;
  metricsUrl: string;
  /** With `gatewayLedger` and KUBERELAY_ADMIN_TOKEN in gatewayEnv: the admin API. */
  adminUrl?: string;
}

export interface Stack {
  cp: ControlPlane;
  mock: MockProvider;
  /** The upstream credential the mock accepts; it must never reach a caller. */
  providerSecret: string;
  /**
   * What the leak scan in stop() looks for. The stack adds its own secrets, the secret-valued
   * environment of its processes, and at stop() every relay key and ProviderKey credential the
   * cluster holds; a test adds secrets that are gone by then (a rotated-out key, say).
   */
  readonly canaries: SecretCanaries;
  /**
   * A kuberelay process started outside the stack (startOperator), scanned like the stack's own;
   * use the process it returns, whose stop() reads its /metrics first.
   */
  track(proc: KuberelayProcess, env: Record<string, string>): KuberelayProcess;
  /** The first operator; `operators` holds every one started. */
  operator: KuberelayProcess;
  operators: KuberelayProcess[];
  gateways: GatewayHandle[];
  /** The webhook process now serving; another one after restartWebhook(). */
  readonly webhook: KuberelayProcess;
  /** The operator's ops port (/metrics, /healthz, /statusz), per operator in `operators` order. */
  operatorOpsUrls: string[];
  /** Starts the webhook again after `webhook.stop()`, on the same port, so the registration still points at it. */
  restartWebhook(): Promise<KuberelayProcess>;
  /** Registers the webhook again, e.g. switching to fail-closed labelled namespaces mid-test. */
  registerWebhook(options: { failClosedForLabelledNamespaces: boolean }): Promise<void>;
  processes(): KuberelayProcess[];
  /** Starts one more gateway, e.g. with a different REDIS_URL. */
  addGateway(env?: Record<string, string>): Promise<GatewayHandle>;
  /**
   * Starts one more operator with the same flags, key and ServiceAccount, as Kubernetes would
   * after one died; resolves once it has started (caches warm), whether or not it leads yet.
   */
  addOperator(): Promise<KuberelayProcess>;
  /**
   * Scans for leaked secrets (stack-leak-scan.ts), stops everything, and then throws if anything
   * leaked: the stack is torn down either way.
   */
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Operator replicas (default 1); they elect a leader on a Lease. */
  operators?: number;
  gateways?: number;
  /** Runs once CRDs and RBAC are in place, before any kuberelay process starts (e.g. to preload objects). */
  beforeOperator?: (cp: ControlPlane) => Promise<void>;
  /** Extra flags for every operator, e.g. --config-shard-bytes. */
  operatorArgs?: string[];
  /** Extra environment for every gateway, e.g. REDIS_URL. */
  gatewayEnv?: Record<string, string>;
  /**
   * Each gateway keeps a usage ledger in an embedded database in a folder of its own in the
   * control plane's temp dir (the leak scan reads every file of the log dir), and serves the admin API on a free port (with KUBERELAY_ADMIN_TOKEN in gatewayEnv).
   */
  gatewayLedger?: boolean;
  /** Extra environment for every operator, e.g. its master key or KMS key. */
  operatorEnv?: Record<string, string>;
  /** Extra upstreams the mock provider serves (Anthropic, Azure, Bedrock, Vertex). */
  mock?: Omit<MockProviderOptions, "openaiKey">;
  step?: (message: string) => void;
  /**
   * The operator issues the webhook's certificate (--webhook-tls-secret, plus these extra flags),
   * the webhook watches that Secret (--tls-secret) and the webhook configuration is registered
   * without a caBundle, which the operator fills. Default: an openssl certificate in files.
   */
  operatorTls?: { operatorArgs?: string[] };
  /** failurePolicy of the registered webhook (default Ignore). */
  webhookFailurePolicy?: "Ignore" | "Fail";
  /** The chart's webhook.failClosedForLabelledNamespaces (default false: every namespace fails open). */
  webhookFailClosedForLabelledNamespaces?: boolean;
}

const toYamlStream = (objects: readonly object[]) => objects.map((o) => JSON.stringify(o)).join("\n---\n");

async function startGateway(
  cp: ControlPlane,
  env: Record<string, string>,
  index: number,
  watch: (proc: KuberelayProcess) => KuberelayProcess,
  ledger = false,
): Promise<GatewayHandle> {
  const ledgerArgs = ledger
    ? ["--data-dir", join(cp.dir, `gateway-${index}-ledger`), "--admin-port", "0"]
    : [];
  const proc = watch(
    startKuberelay(
      `gateway-${index}`,
      [
        "gateway",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--metrics-port",
        "0",
        "--namespace",
        SYSTEM_NAMESPACE,
        "--drain-seconds",
        "5",
        // The suite sends, then stops: a test's last keep-alive connection would hold each stop
        // for the default 2 s grace (common/process/h1-drain.test.ts tests the grace itself).
        "--drain-idle-grace-ms",
        "250",
        ...ledgerArgs,
      ],
      env,
      join(cp.logDir, `gateway-${index}.log`),
    ),
  );
  const line = await proc.waitForLine((l) => l.msg === "listening");
  const admin = proc.lines.find((l) => l.msg === "admin API listening");
  return {
    proc,
    url: `http://127.0.0.1:${line.port}`,
    metricsUrl: `http://127.0.0.1:${line.metricsPort}`,
    ...(admin ? { adminUrl: `http://127.0.0.1:${admin.adminPort}` } : {}),
  };
}

const INJECT_LABEL = "kuberelay.dev/inject";

/**
 * The chart's webhook.failClosedForLabelledNamespaces: namespaces labelled for injection get an
 * entry that fails closed (opted-out Pods excepted), every other namespace keeps the fail-open one.
 */
function splitByInjectLabel<E extends WebhookEntry>(entry: E): E[] {
  const withLabel = (operator: "In" | "NotIn") => [
    ...entry.namespaceSelector.matchExpressions,
    { key: INJECT_LABEL, operator, values: ["enabled"] },
  ];
  return [
    { ...entry, namespaceSelector: { matchExpressions: withLabel("NotIn") } },
    {
      ...entry,
      name: `labelled-namespaces.${entry.name}`,
      failurePolicy: "Fail",
      namespaceSelector: { matchExpressions: withLabel("In") },
      matchConditions: [
        ...entry.matchConditions,
        {
          name: "exclude-opted-out-pods",
          expression: `!has(object.metadata.annotations) || !('${INJECT_LABEL}' in object.metadata.annotations) || object.metadata.annotations['${INJECT_LABEL}'] != 'false'`,
        },
      ],
    },
  ];
}

interface WebhookEntry {
  name: string;
  failurePolicy: "Ignore" | "Fail";
  namespaceSelector: { matchExpressions: Array<{ key: string; operator: string; values: string[] }> };
  matchConditions: Array<{ name: string; expression: string }>;
}

interface WebhookRegistration {
  /** undefined: registered without one, for the operator to fill in. */
  caBundle: string | undefined;
  failurePolicy: "Ignore" | "Fail";
  failClosedForLabelledNamespaces: boolean;
}

async function registerWebhook(cp: ControlPlane, port: number, options: WebhookRegistration): Promise<void> {
  const entry = {
    name: "pods.inject.kuberelay.dev",
    admissionReviewVersions: ["v1"],
    sideEffects: "None",
    failurePolicy: options.failurePolicy,
    timeoutSeconds: 5,
    reinvocationPolicy: "IfNeeded",
    clientConfig: {
      // No kube-proxy here: the API server calls the webhook by URL, not through a Service.
      url: `https://127.0.0.1:${port}/mutate`,
      ...(options.caBundle === undefined ? {} : { caBundle: options.caBundle }),
    },
    rules: [
      {
        apiGroups: [""],
        apiVersions: ["v1"],
        operations: ["CREATE"],
        resources: ["pods"],
        scope: "Namespaced",
      },
    ],
    namespaceSelector: {
      matchExpressions: [
        {
          key: "kubernetes.io/metadata.name",
          operator: "NotIn",
          values: ["kube-system", SYSTEM_NAMESPACE],
        },
      ],
    },
    matchConditions: [
      {
        name: "exclude-mirror-pods",
        expression:
          "!has(object.metadata.annotations) || !('kubernetes.io/config.mirror' in object.metadata.annotations)",
      },
    ],
  };
  const config = {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "MutatingWebhookConfiguration",
    metadata: { name: WEBHOOK_CONFIG_NAME },
    webhooks: options.failClosedForLabelledNamespaces ? splitByInjectLabel(entry) : [entry],
  };
  await cp.kubectl(["apply", "-f", "-"], JSON.stringify(config));
}

function operatorTlsArgs(tls: StackOptions["operatorTls"]): string[] {
  if (!tls) return [];
  return [
    "--webhook-tls-secret",
    WEBHOOK_TLS.secret,
    "--webhook-ca-secret",
    WEBHOOK_TLS.caSecret,
    "--webhook-config",
    WEBHOOK_TLS.webhookConfig,
    "--webhook-service",
    "kuberelay-webhook",
    // The API server calls the webhook by URL at this address (no Service here).
    "--webhook-tls-extra-sans",
    "127.0.0.1",
    ...(tls.operatorArgs ?? []),
  ];
}

/** Until the operator has written a caBundle into every entry of the webhook configuration. */
async function waitForCaBundle(cp: ControlPlane, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { stdout } = await cp.kubectl([
      "get",
      "mutatingwebhookconfiguration",
      WEBHOOK_CONFIG_NAME,
      "-o",
      "json",
    ]);
    const hooks = (JSON.parse(stdout) as { webhooks?: Array<{ clientConfig?: { caBundle?: string } }> })
      .webhooks;
    if (hooks?.length && hooks.every((h) => h.clientConfig?.caBundle)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the operator did not fill the caBundle of ${WEBHOOK_CONFIG_NAME} within ${timeoutMs} ms`);
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const step = options.step ?? (() => {});
  step("starting etcd, kube-apiserver and kube-controller-manager");
  const cp = await startControlPlane({
    beforeControllerManager: async (kubectl) => {
      await kubectl(["apply", "-f", join(repoRoot, "crds")]);
      await kubectl([
        "wait",
        "--for=condition=Established",
        "--timeout=60s",
        "crd",
        "-l",
        "app.kubernetes.io/name=kuberelay",
      ]);
    },
  });
  const started: KuberelayProcess[] = [];
  /** Started outside the stack (track()); the test stops them, the scan reads them. */
  const tracked: KuberelayProcess[] = [];
  const canaries = new SecretCanaries();
  const responses = recordResponses();
  const secretHistory = await watchSecretHistory(cp).catch(async (err: unknown) => {
    await cp.stop();
    throw err;
  });
  const opsAtStop: Produced = [];
  const watch = (proc: KuberelayProcess) => readOpsBeforeStop(proc, opsAtStop);
  let mock: MockProvider | undefined;
  const stopProcesses = async () => {
    await Promise.all([...started, ...tracked].map((p) => p.stop()));
  };
  const teardown = async () => {
    await stopProcesses();
    await responses.close([]);
    await secretHistory.close();
    await mock?.close();
    await cp.stop();
  };
  const stop = async () => {
    try {
      const summary = await scanStackForLeaks(
        {
          cp,
          canaries,
          processes: [...started, ...tracked],
          responses,
          secretHistory,
          opsAtStop,
          notKuberelay: [cp.server, ...(mock ? [mock.url] : [])],
        },
        stopProcesses,
      );
      console.info(
        `leak scan: ${summary.secrets} secrets (${canaries.windows} windows) in ${summary.texts} texts (${summary.bytes} bytes), no hits` +
          (canaries.unscannable.length ? `; too short to scan: ${canaries.unscannable.join(", ")}` : ""),
      );
    } finally {
      await teardown();
    }
  };
  try {
    step(`control plane with CRDs up in ${cp.startupMs} ms at ${cp.server}; applying RBAC`);
    await cp.kubectl(["create", "namespace", SYSTEM_NAMESPACE]);
    await cp.kubectl(
      ["apply", "-f", "-"],
      toYamlStream(
        rbacManifests(SYSTEM_NAMESPACE, DEFAULT_CONFIG_SECRET, options.operatorTls ? WEBHOOK_TLS : undefined),
      ),
    );

    // sk- and 48 hex: what the mock accepts, and random in every 8-character window.
    const providerSecret = `sk-${randomBytes(24).toString("hex")}`;
    canaries.add("the stack's provider secret", providerSecret);
    mock = await startMockProvider({ ...options.mock, openaiKey: providerSecret });
    const masterKey = randomBytes(32).toString("base64");
    canaries
      .add("the stack's master key", masterKey)
      .add("the mock's Anthropic key", options.mock?.anthropicKey ?? "")
      .add("the mock's Azure key", options.mock?.azure?.apiKey ?? "")
      .add("the mock's Bedrock secret access key", options.mock?.bedrock?.secretAccessKey ?? "")
      .add("the mock's Bedrock session token", options.mock?.bedrock?.sessionToken ?? "");
    const envFor = async (sa: string) => ({
      KUBECONFIG: await cp.serviceAccountKubeconfig(SYSTEM_NAMESPACE, sa),
      KUBERELAY_MASTER_KEY: masterKey,
    });

    await options.beforeOperator?.(cp);
    step("starting the operator under its ServiceAccount");
    const operators: KuberelayProcess[] = [];
    const operatorEnv = { ...(await envFor("kuberelay-operator")), ...options.operatorEnv };
    canaries.addEnv("operators", operatorEnv);
    const startOperator = (name: string) => {
      const proc = watch(
        startKuberelay(
          name,
          [
            "operator",
            "--namespace",
            SYSTEM_NAMESPACE,
            "--metrics-port",
            "0",
            ...operatorTlsArgs(options.operatorTls),
            ...(options.operatorArgs ?? []),
          ],
          operatorEnv,
          join(cp.logDir, `${name}.log`),
        ),
      );
      started.push(proc);
      operators.push(proc);
      return proc;
    };
    for (let i = 0; i < (options.operators ?? 1); i++) startOperator(i === 0 ? "operator" : `operator-${i}`);
    const operatorOpsUrls: string[] = [];
    for (const proc of operators) {
      const line = await proc.waitForLine((l) => l.msg === "started");
      operatorOpsUrls.push(`http://127.0.0.1:${line.metricsPort}`);
    }
    const [operator] = operators;
    if (!operator) throw new Error("at least one operator is needed");

    const gatewayEnv = { ...(await envFor("kuberelay-gateway")), ...options.gatewayEnv };
    canaries.addEnv("gateways", gatewayEnv);
    const gateways: GatewayHandle[] = [];
    for (let i = 0; i < (options.gateways ?? 2); i++) {
      const gw = await startGateway(cp, gatewayEnv, i, watch, options.gatewayLedger);
      started.push(gw.proc);
      gateways.push(gw);
    }
    step(`gateways listening: ${gateways.map((g) => g.url).join(", ")}`);

    const first = gateways[0];
    if (!first) throw new Error("at least one gateway is needed");
    const tlsArgs = options.operatorTls
      ? ["--tls-secret", WEBHOOK_TLS.secret]
      : await (async () => {
          const serving = await issueCert(cp.ca, {
            cn: "kuberelay-webhook",
            ipAddresses: ["127.0.0.1"],
            server: true,
          });
          return ["--tls-cert-file", serving.certPath, "--tls-key-file", serving.keyPath];
        })();
    const webhookEnv = await envFor("kuberelay-webhook");
    canaries.addEnv("webhook", { KUBECONFIG: webhookEnv.KUBECONFIG });
    const startWebhook = (port: number, name: string) =>
      watch(
        startKuberelay(
          name,
          [
            "webhook",
            "--host",
            "127.0.0.1",
            "--port",
            String(port),
            ...tlsArgs,
            "--gateway-url",
            first.url,
            "--metrics-port",
            "0",
            "--namespace",
            SYSTEM_NAMESPACE,
          ],
          { KUBECONFIG: webhookEnv.KUBECONFIG },
          join(cp.logDir, `${name}.log`),
        ),
      );
    let webhook = startWebhook(0, "webhook");
    started.push(webhook);
    const listening = await webhook.waitForLine((l) => l.msg === "listening");
    const webhookPort = Number(listening.port);
    const registration = (failClosedForLabelledNamespaces: boolean): WebhookRegistration => ({
      caBundle: options.operatorTls ? undefined : Buffer.from(cp.caPem).toString("base64"),
      failurePolicy: options.webhookFailurePolicy ?? "Ignore",
      failClosedForLabelledNamespaces,
    });
    await registerWebhook(
      cp,
      webhookPort,
      registration(options.webhookFailClosedForLabelledNamespaces ?? false),
    );
    if (options.operatorTls) await waitForCaBundle(cp);
    step(`webhook serving on https://127.0.0.1:${listening.port}/mutate, registered with the API server`);

    const addGateway = async (env: Record<string, string> = {}) => {
      canaries.addEnv(`gateway-${started.length}`, env);
      const gw = await startGateway(
        cp,
        { ...gatewayEnv, ...env },
        started.length,
        watch,
        options.gatewayLedger,
      );
      started.push(gw.proc);
      return gw;
    };
    return {
      cp,
      mock,
      providerSecret,
      canaries,
      track: (proc, env) => {
        const watched = watch(proc);
        tracked.push(watched);
        canaries.addEnv(proc.name, env);
        return watched;
      },
      operator,
      operators,
      gateways,
      get webhook() {
        return webhook;
      },
      operatorOpsUrls,
      registerWebhook: async (o) => {
        await registerWebhook(cp, webhookPort, registration(o.failClosedForLabelledNamespaces));
        if (options.operatorTls) await waitForCaBundle(cp);
      },
      restartWebhook: async () => {
        await webhook.stop();
        webhook = startWebhook(webhookPort, `webhook-${started.length}`);
        started.push(webhook);
        await webhook.waitForLine((l) => l.msg === "listening");
        return webhook;
      },
      processes: () => [...started],
      addGateway,
      addOperator: async () => {
        const proc = startOperator(`operator-${operators.length}`);
        const line = await proc.waitForLine((l) => l.msg === "started");
        operatorOpsUrls.push(`http://127.0.0.1:${line.metricsPort}`);
        return proc;
      },
      stop,
    };
  } catch (err) {
    await teardown();
    throw err;
  }
}
