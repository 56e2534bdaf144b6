/**
 * The Helm chart: lints, renders with the values that matter, meets the restricted Pod Security
 * Standard, and is accepted by a real kube-apiserver (server-side dry run), whose RBAC then grants
 * exactly what the chart says.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { cp } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  KubeConfig,
  type V1ClusterRoleBinding,
  type V1ConfigMap,
  type V1Container,
  type V1Deployment,
  type V1MutatingWebhookConfiguration,
  type V1PodDisruptionBudget,
  type V1Role,
  type V1RoleBinding,
  type V1Secret,
  type V1Service,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { allShardSecretNames } from "../common/config/config-shards.js";
import { localMasterKey } from "../common/crypto/envelope.js";
import { KeyRing } from "../common/crypto/key-ring.js";
import { createLogger } from "../common/log.js";
import { createCa } from "../common/x509/certificate.js";
import { ConfigWriter } from "../operator/config-writer.js";
import { ensureMasterKeySecret } from "../operator/master-key/ensure-master-key.js";
import { kubeMasterKeySecretApi } from "../operator/master-key/kube-api.js";
import { resolveSecretOwner } from "../operator/secret-owner.js";
import type { WebhookTlsConfig } from "../operator/webhook-tls/config.js";
import { kubeTlsStore } from "../operator/webhook-tls/kube-store.js";
import { TlsReconciler } from "../operator/webhook-tls/reconcile.js";
import { type ControlPlane, startControlPlane } from "./harness/control-plane.js";
import { createHelmCli, type HelmCli } from "./harness/helm-cli.js";
import { promqlMetricNames } from "./harness/promql-metric-names.js";
import { registeredMetricNames } from "./harness/registered-metrics.js";
import { CommandError } from "./harness/run-command.js";
import { waitFor } from "./harness/wait-for.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const chart = join(root, "charts", "kuberelay");
const crdDir = join(chart, "crds");

const release = "kuberelay";
const namespace = "kuberelay-system";
const configSecret = "kuberelay-gateway-config";

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
}

let helmCli: HelmCli | undefined;

function helm(args: readonly string[]): Promise<string> {
  if (helmCli === undefined) throw new Error("helm is not ready");
  return helmCli.run(args);
}

async function render(...sets: string[]): Promise<{ text: string; objects: Manifest[] }> {
  const text = await helm([
    "template",
    release,
    chart,
    "--namespace",
    namespace,
    ...sets.flatMap((s) => ["--set", s]),
  ]);
  const objects: Manifest[] = [];
  for (const doc of parseAllDocuments(text)) {
    expect(doc.errors, `rendered YAML does not parse: ${doc.errors.join("; ")}`).toEqual([]);
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined) objects.push(value as Manifest);
  }
  return { text, objects };
}

function ofKind<T>(objects: readonly Manifest[], kind: string): T[] {
  return objects.filter((o) => o.kind === kind) as T[];
}

function one<T>(objects: readonly Manifest[], kind: string, name: string): T {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} ${name} rendered`);
  return found as T;
}

/** A copy of the chart as versions before the master-key init container rendered it. */
async function legacyChart(): Promise<string> {
  if (helmCli === undefined) throw new Error("helm is not ready");
  const dir = join(helmCli.home, "legacy-chart");
  await cp(chart, dir, { recursive: true });
  await cp(
    join(root, "e2e", "chart-fixtures", "legacy-master-key-secret.yaml"),
    join(dir, "templates", "master-key-secret.yaml"),
  );
  return dir;
}

function decode(secret: V1Secret, key: string): Buffer {
  const value = secret.data?.[key];
  if (value === undefined) throw new Error(`Secret ${secret.metadata?.name} has no ${key}`);
  return Buffer.from(value, "base64");
}

function containersOf(d: V1Deployment): V1Container[] {
  const spec = d.spec?.template.spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
}

/** The "restricted" Pod Security Standard, field by field. */
function expectRestricted(d: V1Deployment): void {
  const name = d.metadata?.name;
  const pod = d.spec?.template.spec;
  expect(pod, `${name} has a pod spec`).toBeDefined();
  expect(pod?.hostNetwork ?? false, `${name} hostNetwork`).toBe(false);
  expect(pod?.hostPID ?? false, `${name} hostPID`).toBe(false);
  expect(pod?.hostIPC ?? false, `${name} hostIPC`).toBe(false);
  for (const v of pod?.volumes ?? [])
    expect(v.hostPath, `${name} volume ${v.name} is a hostPath`).toBeUndefined();
  expect(pod?.securityContext?.runAsNonRoot, `${name} pod runAsNonRoot`).toBe(true);
  expect(pod?.securityContext?.seccompProfile?.type, `${name} pod seccomp`).toBe("RuntimeDefault");
  expect(pod?.securityContext?.runAsUser, `${name} pod runAsUser`).not.toBe(0);
  for (const c of containersOf(d)) {
    const where = `${name}/${c.name}`;
    const sc = c.securityContext;
    expect(sc?.runAsNonRoot ?? pod?.securityContext?.runAsNonRoot, `${where} runAsNonRoot`).toBe(true);
    expect(sc?.readOnlyRootFilesystem, `${where} readOnlyRootFilesystem`).toBe(true);
    expect(sc?.allowPrivilegeEscalation, `${where} allowPrivilegeEscalation`).toBe(false);
    expect(sc?.privileged ?? false, `${where} privileged`).toBe(false);
    expect(sc?.capabilities?.drop, `${where} drops ALL capabilities`).toEqual(["ALL"]);
    expect(sc?.capabilities?.add ?? [], `${where} adds no capability`).toEqual([]);
    expect(sc?.seccompProfile?.type ?? pod?.securityContext?.seccompProfile?.type, `${where} seccomp`).toBe(
      "RuntimeDefault",
    );
    expect(c.resources?.requests?.cpu, `${where} requests cpu`).toBeDefined();
    expect(c.resources?.requests?.memory, `${where} requests memory`).toBeDefined();
    expect(c.resources?.limits?.memory, `${where} limits memory`).toBeDefined();
    for (const p of c.ports ?? []) expect(p.hostPort, `${where} hostPort`).toBeUndefined();
  }
}

function env(c: V1Container, name: string) {
  return c.env?.find((e) => e.name === name);
}

function firstContainer(d: V1Deployment): V1Container {
  const c = d.spec?.template.spec?.containers[0];
  if (c === undefined) throw new Error(`${d.metadata?.name} has no container`);
  return c;
}

beforeAll(async () => {
  helmCli = await createHelmCli();
}, 1_800_000); // a cold build compiles helm from source: minutes on 2 cores

afterAll(async () => {
  await helmCli?.cleanup();
});

describe("helm chart", () => {
  it("passes helm lint with default and cert-manager values", async () => {
    await helm(["lint", "--strict", chart]);
    await helm(["lint", "--strict", chart, "--set", "webhook.tls.mode=certManager"]);
  });

  /** What helm template printed when it refused the values; "rendered" when it did not. */
  const refusal = (...sets: string[]) =>
    render(...sets).then(
      () => "rendered",
      (e: unknown) => (e instanceof CommandError ? e.stderr : String(e)),
    );

  it("issue 15: fails the install on a mistyped or ill-typed value, naming it (values.schema.json)", async () => {
    expect(await refusal("gateway.replcas=3")).toContain(
      "at '/gateway': additional properties 'replcas' not allowed",
    );
    expect(await refusal("webhook.tls.mode=helm")).toContain(
      "at '/webhook/tls/mode': value must be one of 'operator', 'certManager'",
    );
    expect(await refusal("logLevel=verbose")).toContain("at '/logLevel'");
    expect(await refusal("gateway.port=http")).toContain("at '/gateway/port': got string, want integer");
    // helm lint --strict applies the same schema.
    const lint = await helm(["lint", "--strict", chart, "--set", "operator.replicaz=1"]).then(
      () => "passed",
      (e: unknown) => (e instanceof CommandError ? `${e.stdout}${e.stderr}` : String(e)),
    );
    expect(lint).toContain("additional properties 'replicaz' not allowed");
    // Ratios given with --set arrive as strings and are taken; out of range they are not.
    expect(await refusal("prometheusRule.errorRatio=0.1")).toBe("rendered");
    expect(await refusal("prometheusRule.errorRatio=1.5")).toContain("at '/prometheusRule/errorRatio'");
  });

  it("refuses bad webhook values with a message naming the value", async () => {
    // A removed value passes the schema so that the chart can say what replaced it.
    expect(await refusal("webhook.failurePolicy=Fail")).toContain(
      "webhook.failurePolicy (Fail) is no longer supported",
    );
    expect(await refusal("webhook.failClosedForLabelledNamespaces=yes")).toContain(
      "at '/webhook/failClosedForLabelledNamespaces': got string, want boolean",
    );
    for (const timeout of ["0", "6", "2.5"]) {
      expect(await refusal(`webhook.timeoutSeconds=${timeout}`)).toContain("at '/webhook/timeoutSeconds'");
    }
  });

  describe("with default values", () => {
    let objects: Manifest[] = [];
    beforeAll(async () => {
      ({ objects } = await render());
    });

    it("renders the three components with their Services, PDBs and ServiceAccounts", () => {
      const names = (kind: string) =>
        objects
          .filter((o) => o.kind === kind)
          .map((o) => o.metadata.name)
          .sort();
      expect(names("Deployment")).toEqual(["kuberelay-gateway", "kuberelay-operator", "kuberelay-webhook"]);
      expect(names("ServiceAccount")).toEqual([
        "kuberelay-gateway",
        "kuberelay-operator",
        "kuberelay-webhook",
      ]);
      expect(names("PodDisruptionBudget")).toEqual(["kuberelay-gateway", "kuberelay-webhook"]);
      expect(names("MutatingWebhookConfiguration")).toEqual(["kuberelay"]);
      // Two of each: the operators elect a leader; the others are stateless.
      const replicas = Object.fromEntries(
        ofKind<V1Deployment>(objects, "Deployment").map((d) => [d.metadata?.name, d.spec?.replicas]),
      );
      expect(replicas).toEqual({ "kuberelay-gateway": 2, "kuberelay-operator": 2, "kuberelay-webhook": 2 });
      for (const o of objects.filter(
        (o) => !o.kind.startsWith("Cluster") && o.kind !== "MutatingWebhookConfiguration",
      )) {
        expect(o.metadata.namespace, `${o.kind} ${o.metadata.name}`).toBe(namespace);
      }

      const gateway = one<V1Service>(objects, "Service", "kuberelay-gateway");
      expect(gateway.spec?.ports?.map((p) => [p.name, p.port, p.targetPort])).toEqual([
        ["http", 8787, "http"],
        ["metrics", 9090, "metrics"],
      ]);
      const webhook = one<V1Service>(objects, "Service", "kuberelay-webhook");
      expect(webhook.spec?.ports?.map((p) => [p.name, p.port, p.targetPort])).toEqual([
        ["https", 443, "https"],
      ]);
      const pdb = one<V1PodDisruptionBudget>(objects, "PodDisruptionBudget", "kuberelay-webhook");
      expect(pdb.spec?.selector?.matchLabels).toMatchObject({ "app.kubernetes.io/component": "webhook" });
    });

    it("runs every pod under the restricted Pod Security Standard", () => {
      const deployments = ofKind<V1Deployment>(objects, "Deployment");
      expect(deployments).toHaveLength(3);
      for (const d of deployments) expectRestricted(d);
    });

    it("passes each process its subcommand, namespace, config Secret and master key", () => {
      for (const component of ["operator", "gateway", "webhook"]) {
        const d = one<V1Deployment>(objects, "Deployment", `kuberelay-${component}`);
        const c = firstContainer(d);
        expect(c.image).toBe(`ghcr.io/kuberelay/kuberelay:${chartAppVersion(objects)}`);
        expect(c.command).toBeUndefined();
        expect(c.args?.[0]).toBe(component);
        expect(env(c, "POD_NAMESPACE")?.valueFrom?.fieldRef?.fieldPath).toBe("metadata.namespace");
        expect(d.spec?.template.spec?.serviceAccountName).toBe(`kuberelay-${component}`);
        const masterKey = env(c, "KUBERELAY_MASTER_KEY")?.valueFrom?.secretKeyRef;
        if (component === "webhook") expect(masterKey).toBeUndefined();
        else {
          expect(masterKey).toEqual({ name: "kuberelay-master-key", key: "master-key" });
          expect(c.args).toContain(`--config-secret=${configSecret}`);
          expect(c.args).toContain(`--namespace=${namespace}`);
        }
      }
      const webhook = firstContainer(one<V1Deployment>(objects, "Deployment", "kuberelay-webhook"));
      expect(webhook.args).toContain(`--gateway-url=http://kuberelay-gateway.${namespace}.svc:8787`);
      // The operator's own Deployment: the owner of the Secrets it writes (garbage-collected with it).
      const operator = firstContainer(one<V1Deployment>(objects, "Deployment", "kuberelay-operator"));
      expect(operator.args).toContain("--owner-deployment=kuberelay-operator");
    });

    it("probes the gateway on its metrics port and the webhook over https", () => {
      const gateway = firstContainer(one<V1Deployment>(objects, "Deployment", "kuberelay-gateway"));
      expect(gateway.readinessProbe?.httpGet).toMatchObject({ path: "/readyz", port: "metrics" });
      expect(gateway.livenessProbe?.httpGet).toMatchObject({ path: "/healthz", port: "metrics" });
      expect(gateway.ports?.map((p) => [p.name, p.containerPort])).toEqual([
        ["http", 8787],
        ["metrics", 9090],
      ]);
      expect(gateway.args).toContain("--drain-seconds=30");
      const grace = one<V1Deployment>(objects, "Deployment", "kuberelay-gateway").spec?.template.spec
        ?.terminationGracePeriodSeconds;
      expect(grace).toBeGreaterThan(30);
      const webhook = firstContainer(one<V1Deployment>(objects, "Deployment", "kuberelay-webhook"));
      // Ready when it serves admissions; alive as soon as it runs, also while it waits for its
      // serving certificate (a liveness probe on the HTTPS port killed webhooks doing just that).
      expect(webhook.readinessProbe?.httpGet).toMatchObject({
        path: "/healthz",
        port: "https",
        scheme: "HTTPS",
      });
      expect(webhook.livenessProbe?.httpGet).toMatchObject({ path: "/healthz", port: "metrics" });
      expect(webhook.args).toContain("--metrics-port=9090");
      expect(webhook.ports?.map((p) => [p.name, p.containerPort])).toEqual([
        ["https", 8443],
        ["metrics", 9090],
      ]);
      const operator = firstContainer(one<V1Deployment>(objects, "Deployment", "kuberelay-operator"));
      expect(operator.ports?.map((p) => [p.name, p.containerPort])).toEqual([["metrics", 9090]]);
      expect(operator.args).toContain("--metrics-port=9090");
      expect(operator.livenessProbe?.httpGet).toMatchObject({ path: "/healthz", port: "metrics" });
    });

    it("security: puts no master key in the manifests; the operator's init container creates it once", () => {
      expect(objects.some((o) => o.kind === "Secret" && o.metadata.name === "kuberelay-master-key")).toBe(
        false,
      );
      const operator = one<V1Deployment>(objects, "Deployment", "kuberelay-operator");
      const init = operator.spec?.template.spec?.initContainers ?? [];
      expect(init.map((c) => [c.name, c.args])).toEqual([
        [
          "master-key",
          [
            "operator",
            "ensure-master-key",
            `--namespace=${namespace}`,
            "--secret=kuberelay-master-key",
            "--key=master-key",
          ],
        ],
      ]);
      // It runs before the operator container, whose secretKeyRef it satisfies.
      expect(env(firstContainer(operator), "KUBERELAY_MASTER_KEY")?.valueFrom?.secretKeyRef?.name).toBe(
        "kuberelay-master-key",
      );
    });

    it("configures the webhook as specified, with a caBundle that signs a valid serving certificate", () => {
      const mwc = one<V1MutatingWebhookConfiguration>(objects, "MutatingWebhookConfiguration", "kuberelay");
      expect(mwc.metadata?.annotations?.["cert-manager.io/inject-ca-from"]).toBeUndefined();
      expect(mwc.webhooks).toHaveLength(1);
      const [hook] = mwc.webhooks ?? [];
      expect(hook).toMatchObject({
        failurePolicy: "Ignore",
        timeoutSeconds: 5,
        sideEffects: "None",
        admissionReviewVersions: ["v1"],
        reinvocationPolicy: "IfNeeded",
        clientConfig: { service: { name: "kuberelay-webhook", namespace, path: "/mutate", port: 443 } },
        rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["pods"] }],
      });
      expect(hook?.objectSelector).toBeUndefined();
      expect(hook?.namespaceSelector?.matchExpressions).toEqual([
        { key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system", namespace] },
      ]);
      expect(hook?.matchConditions?.[0]?.expression).toContain("kubernetes.io/config.mirror");

      // The operator fills the caBundle; a rendered one would be reset by every helm upgrade.
      expect(hook?.clientConfig.caBundle).toBeUndefined();
      expect(objects.some((o) => o.kind === "Secret" && o.metadata.name.includes("webhook-tls"))).toBe(false);
      const webhook = one<V1Deployment>(objects, "Deployment", "kuberelay-webhook");
      expect(firstContainer(webhook).args).toContain("--tls-secret=kuberelay-webhook-tls");
      expect(webhook.spec?.template.spec?.volumes?.find((v) => v.name === "tls")).toBeUndefined();
      const operator = firstContainer(one<V1Deployment>(objects, "Deployment", "kuberelay-operator"));
      expect(operator.args).toEqual(
        expect.arrayContaining([
          "--webhook-tls-secret=kuberelay-webhook-tls",
          "--webhook-ca-secret=kuberelay-webhook-tls-ca",
          "--webhook-config=kuberelay",
          "--webhook-service=kuberelay-webhook",
          "--webhook-cert-validity=2160h",
          "--webhook-tls-propagation=2m",
        ]),
      );
    });

    it("lets the gateway read only its config Secret and that config's shards", () => {
      const role = one<V1Role>(objects, "Role", "kuberelay-gateway");
      expect(role.rules).toEqual([
        {
          apiGroups: [""],
          resources: ["secrets"],
          resourceNames: [configSecret],
          verbs: ["get", "list", "watch"],
        },
        {
          apiGroups: [""],
          resources: ["secrets"],
          resourceNames: allShardSecretNames(configSecret),
          verbs: ["get"],
        },
      ]);
      const binding = one<V1RoleBinding>(objects, "RoleBinding", "kuberelay-gateway");
      expect(binding.roleRef).toEqual({
        apiGroup: "rbac.authorization.k8s.io",
        kind: "Role",
        name: "kuberelay-gateway",
      });
      expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: "kuberelay-gateway", namespace }]);
      // No other binding names the gateway's ServiceAccount.
      const bindings = [
        ...ofKind<V1RoleBinding>(objects, "RoleBinding"),
        ...ofKind<V1ClusterRoleBinding>(objects, "ClusterRoleBinding"),
      ];
      const gatewayBindings = bindings.filter((b) => b.subjects?.some((s) => s.name === "kuberelay-gateway"));
      expect(gatewayBindings.map((b) => b.metadata?.name)).toEqual(["kuberelay-gateway"]);
    });
  });

  describe("with cert-manager and fail-closed labelled namespaces", () => {
    let objects: Manifest[] = [];
    beforeAll(async () => {
      ({ objects } = await render(
        "webhook.tls.mode=certManager",
        "webhook.failClosedForLabelledNamespaces=true",
        "webhook.excludeNamespaces={legacy}",
      ));
    });

    it("splits namespaces by label between a fail-closed and a fail-open entry", () => {
      const mwc = one<V1MutatingWebhookConfiguration>(objects, "MutatingWebhookConfiguration", "kuberelay");
      const hooks = mwc.webhooks ?? [];
      expect(hooks.map((h) => [h.name, h.failurePolicy])).toEqual([
        ["inject.kuberelay.dev", "Ignore"],
        ["labelled-namespaces.inject.kuberelay.dev", "Fail"],
      ]);
      const byName = {
        key: "kubernetes.io/metadata.name",
        operator: "NotIn",
        values: ["kube-system", namespace, "legacy"],
      };
      const label = (operator: string) => ({ key: "kuberelay.dev/inject", operator, values: ["enabled"] });
      const [open, closed] = hooks;
      expect(open?.namespaceSelector?.matchExpressions).toEqual([byName, label("NotIn")]);
      expect(closed?.namespaceSelector?.matchExpressions).toEqual([byName, label("In")]);
      for (const hook of hooks) {
        expect(hook).toMatchObject({
          timeoutSeconds: 5,
          sideEffects: "None",
          reinvocationPolicy: "IfNeeded",
          rules: [{ operations: ["CREATE"], resources: ["pods"] }],
        });
        expect(hook.matchConditions?.[0]?.expression).toContain("kubernetes.io/config.mirror");
      }
      // An opted-out Pod needs nothing from the webhook: an outage must not block it.
      expect(closed?.matchConditions?.map((c) => c.name)).toEqual([
        "exclude-mirror-pods",
        "exclude-opted-out-pods",
      ]);
    });

    it("asks cert-manager for the certificate and its CA injection instead of a caBundle", () => {
      const mwc = one<V1MutatingWebhookConfiguration>(objects, "MutatingWebhookConfiguration", "kuberelay");
      expect(mwc.metadata?.annotations?.["cert-manager.io/inject-ca-from"]).toBe(
        `${namespace}/kuberelay-webhook`,
      );
      for (const hook of mwc.webhooks ?? []) expect(hook.clientConfig.caBundle).toBeUndefined();

      const certificate = objects.find(
        (o) => o.kind === "Certificate" && o.metadata.name === "kuberelay-webhook",
      );
      expect(certificate?.apiVersion).toBe("cert-manager.io/v1");
      expect(certificate).toMatchObject({
        metadata: { namespace },
        spec: {
          secretName: "kuberelay-webhook-cert",
          dnsNames: expect.arrayContaining([`kuberelay-webhook.${namespace}.svc`]),
          issuerRef: { name: "kuberelay-webhook-selfsigned", kind: "Issuer" },
        },
      });
      expect(
        objects.some((o) => o.kind === "Issuer" && o.metadata.name === "kuberelay-webhook-selfsigned"),
      ).toBe(true);
      expect(objects.filter((o) => o.kind === "Secret").map((o) => o.metadata.name)).toEqual([]);
      const webhook = one<V1Deployment>(objects, "Deployment", "kuberelay-webhook");
      expect(firstContainer(webhook).args).toContain("--tls-secret=kuberelay-webhook-cert");
      const operator = firstContainer(one<V1Deployment>(objects, "Deployment", "kuberelay-operator"));
      expect(operator.args?.some((a) => a.startsWith("--webhook-tls-secret"))).toBe(false);
      expect(objects.some((o) => o.metadata.name === "kuberelay-operator-webhook-tls")).toBe(false);
      for (const d of ofKind<V1Deployment>(objects, "Deployment")) expectRestricted(d);
    });
  });

  it("tells the operator which namespaces the webhook skips, or that there is no webhook", async () => {
    const operatorArgs = async (...sets: string[]) =>
      firstContainer(one<V1Deployment>((await render(...sets)).objects, "Deployment", "kuberelay-operator"))
        .args;
    expect(await operatorArgs("webhook.excludeNamespaces={legacy,batch}")).toContain(
      "--webhook-excluded-namespaces=legacy,batch",
    );
    expect(await operatorArgs("webhook.enabled=false")).toContain("--report-missed-injections=false");
  });

  it("caps the operator's V8 heap well under its memory limit, or leaves Node's default", async () => {
    const operator = async (...sets: string[]) =>
      firstContainer(one<V1Deployment>((await render(...sets)).objects, "Deployment", "kuberelay-operator"));
    const capped = await operator();
    expect(env(capped, "NODE_OPTIONS")?.value).toBe("--max-old-space-size=192");
    expect(capped.resources?.limits?.memory).toBe("384Mi");
    expect(env(await operator("operator.maxHeapMiB=0"), "NODE_OPTIONS")).toBeUndefined();
  });

  it("issue 10: caps the gateway's V8 heap at half its memory limit, and requests more than it idles at", async () => {
    const gateway = async (...sets: string[]) =>
      firstContainer(one<V1Deployment>((await render(...sets)).objects, "Deployment", "kuberelay-gateway"));
    const capped = await gateway();
    expect(env(capped, "NODE_OPTIONS")?.value).toBe("--max-old-space-size=256");
    expect(capped.resources?.limits?.memory).toBe("512Mi");
    expect(capped.resources?.requests?.memory).toBe("256Mi");
    expect(env(await gateway("gateway.maxHeapMiB=0"), "NODE_OPTIONS")).toBeUndefined();
  });

  it("gives the gateway a ledger only when asked: DATABASE_URL from the named Secret, a spool volume, the retention", async () => {
    const gateway = async (...sets: string[]) =>
      one<V1Deployment>((await render(...sets)).objects, "Deployment", "kuberelay-gateway");
    const none = await gateway();
    expect(env(firstContainer(none), "DATABASE_URL")).toBeUndefined();
    expect(none.spec?.template.spec?.volumes?.map((v) => v.name)).toEqual(["tmp"]);
    const withLedger = await gateway(
      "gateway.ledger.databaseUrlSecret.name=ledger-db",
      "gateway.ledger.retentionMonths=25",
    );
    const c = firstContainer(withLedger);
    // security: the URL (and its password) stays in the Secret; the manifest only names it.
    expect(env(c, "DATABASE_URL")?.valueFrom?.secretKeyRef).toEqual({ name: "ledger-db", key: "url" });
    expect(env(c, "DATABASE_URL")?.value).toBeUndefined();
    expect(c.args).toEqual(
      expect.arrayContaining(["--ledger-retention-months=25", "--ledger-spool-dir=/var/lib/kuberelay/spool"]),
    );
    expect(c.volumeMounts).toContainEqual({ name: "ledger-spool", mountPath: "/var/lib/kuberelay/spool" });
    expect(withLedger.spec?.template.spec?.volumes).toContainEqual({
      name: "ledger-spool",
      emptyDir: { sizeLimit: "256Mi" },
    });
  });

  it("gives the operator the ledger's database for its audit table, unless operator.audit.database is false", async () => {
    const operator = async (...sets: string[]) =>
      firstContainer(one<V1Deployment>((await render(...sets)).objects, "Deployment", "kuberelay-operator"));
    expect(env(await operator(), "DATABASE_URL")).toBeUndefined();
    const audited = await operator("gateway.ledger.databaseUrlSecret.name=ledger-db");
    // security: named, never held: the URL and its password stay in the Secret.
    expect(env(audited, "DATABASE_URL")?.valueFrom?.secretKeyRef).toEqual({ name: "ledger-db", key: "url" });
    expect(env(audited, "DATABASE_URL")?.value).toBeUndefined();
    const eventsOnly = await operator(
      "gateway.ledger.databaseUrlSecret.name=ledger-db",
      "operator.audit.database=false",
    );
    expect(env(eventsOnly, "DATABASE_URL")).toBeUndefined();
  });

  it("security: gives the gateway its content key from the named Secret, and plaintext only when allowed", async () => {
    const gateway = async (...sets: string[]) =>
      firstContainer(one<V1Deployment>((await render(...sets)).objects, "Deployment", "kuberelay-gateway"));
    const none = await gateway();
    expect(env(none, "KUBERELAY_CONTENT_KEY")).toBeUndefined();
    expect(env(none, "KUBERELAY_ALLOW_PLAINTEXT")).toBeUndefined();
    const sealed = await gateway("gateway.content.keySecret.name=content-key");
    expect(env(sealed, "KUBERELAY_CONTENT_KEY")?.valueFrom?.secretKeyRef).toEqual({
      name: "content-key",
      key: "content-key",
    });
    expect(env(sealed, "KUBERELAY_ALLOW_PLAINTEXT")).toBeUndefined();
    const plain = await gateway("gateway.content.allowPlaintext=true");
    expect(env(plain, "KUBERELAY_ALLOW_PLAINTEXT")?.value).toBe("true");
  });

  it("issue 13: tells the operator what the gateways can do with content, for Policies' ContentCaptured condition", async () => {
    const operatorArgs = async (...sets: string[]) =>
      firstContainer(one<V1Deployment>((await render(...sets)).objects, "Deployment", "kuberelay-operator"))
        .args;
    expect(await operatorArgs()).toEqual(
      expect.arrayContaining([
        "--gateway-ledger=false",
        "--gateway-content-key=false",
        "--gateway-allow-plaintext=false",
      ]),
    );
    expect(
      await operatorArgs(
        "gateway.ledger.databaseUrlSecret.name=ledger-db",
        "gateway.content.keySecret.name=content-key",
        "gateway.content.allowPlaintext=true",
      ),
    ).toEqual(
      expect.arrayContaining([
        "--gateway-ledger=true",
        "--gateway-content-key=true",
        "--gateway-allow-plaintext=true",
      ]),
    );
  });

  it("scales the gateways with a HorizontalPodAutoscaler only when asked, leaving replicas to it", async () => {
    const off = await render();
    expect(off.objects.some((o) => o.kind === "HorizontalPodAutoscaler")).toBe(false);
    expect(one<V1Deployment>(off.objects, "Deployment", "kuberelay-gateway").spec?.replicas).toBe(2);
    const on = await render(
      "gateway.autoscaling.enabled=true",
      "gateway.autoscaling.minReplicas=3",
      "gateway.autoscaling.maxReplicas=9",
      "gateway.autoscaling.targetCPUUtilizationPercentage=60",
    );
    // A replicas field would reset the autoscaler's count at every upgrade.
    expect(one<V1Deployment>(on.objects, "Deployment", "kuberelay-gateway").spec?.replicas).toBeUndefined();
    const hpa = one<{
      spec: {
        scaleTargetRef: { kind: string; name: string };
        minReplicas: number;
        maxReplicas: number;
        metrics: { resource: { name: string; target: { averageUtilization: number } } }[];
      };
    }>(on.objects, "HorizontalPodAutoscaler", "kuberelay-gateway");
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { kind: "Deployment", name: "kuberelay-gateway" },
      minReplicas: 3,
      maxReplicas: 9,
    });
    expect(hpa.spec.metrics[0]?.resource).toEqual({
      name: "cpu",
      target: { type: "Utilization", averageUtilization: 60 },
    });
    await expect(
      render("gateway.autoscaling.enabled=true", "gateway.autoscaling.minReplicas=12"),
    ).rejects.toThrow(/minReplicas \(12\) must not exceed maxReplicas \(10\)/);
  });

  it("issue 13: shares the gateways' limit counters in Redis from the named Secret, and tells the operator where they count", async () => {
    const rendered = async (...sets: string[]) => {
      const { objects } = await render(...sets);
      return {
        gateway: firstContainer(one<V1Deployment>(objects, "Deployment", "kuberelay-gateway")),
        operatorArgs: firstContainer(one<V1Deployment>(objects, "Deployment", "kuberelay-operator")).args,
      };
    };
    const memory = await rendered();
    expect(env(memory.gateway, "REDIS_URL")).toBeUndefined();
    expect(memory.operatorArgs).toEqual(
      expect.arrayContaining(["--gateway-shared-limits=false", "--gateway-replicas=2"]),
    );
    const shared = await rendered("gateway.limits.redisUrlSecret.name=limits-redis", "gateway.replicas=4");
    // security: the URL (and its password) stays in the Secret; the manifest only names it.
    expect(env(shared.gateway, "REDIS_URL")?.valueFrom?.secretKeyRef).toEqual({
      name: "limits-redis",
      key: "url",
    });
    expect(env(shared.gateway, "REDIS_URL")?.value).toBeUndefined();
    expect(shared.operatorArgs).toEqual(
      expect.arrayContaining(["--gateway-shared-limits=true", "--gateway-replicas=4"]),
    );
    // With the autoscaler on, the operator counts the most replicas it may run.
    const scaled = await rendered("gateway.autoscaling.enabled=true", "gateway.autoscaling.maxReplicas=7");
    expect(scaled.operatorArgs).toEqual(expect.arrayContaining(["--gateway-replicas=7"]));
    // REDIS_URL given the older way, through extraEnv, counts as shared too.
    const viaEnv = await rendered(
      "gateway.extraEnv[0].name=REDIS_URL",
      "gateway.extraEnv[0].value=redis://r:6379",
    );
    expect(viaEnv.operatorArgs).toEqual(expect.arrayContaining(["--gateway-shared-limits=true"]));
  });

  it("security: gives the gateway an admin API only when asked: its token from the named Secret, a port, a ClusterIP Service", async () => {
    const none = await render();
    const off = firstContainer(one<V1Deployment>(none.objects, "Deployment", "kuberelay-gateway"));
    expect(env(off, "KUBERELAY_ADMIN_TOKEN")).toBeUndefined();
    expect(off.ports?.map((p) => p.name)).toEqual(["http", "metrics"]);
    expect(none.objects.some((o) => o.metadata.name === "kuberelay-gateway-admin")).toBe(false);

    const { objects, text } = await render(
      "gateway.ledger.databaseUrlSecret.name=ledger-db",
      "gateway.admin.tokenSecret.name=admin-token",
      "gateway.admin.port=9191",
    );
    const c = firstContainer(one<V1Deployment>(objects, "Deployment", "kuberelay-gateway"));
    // The manifest names the Secret; the token is never in it.
    expect(env(c, "KUBERELAY_ADMIN_TOKEN")?.valueFrom?.secretKeyRef).toEqual({
      name: "admin-token",
      key: "token",
    });
    expect(env(c, "KUBERELAY_ADMIN_TOKEN")?.value).toBeUndefined();
    expect(c.args).toContain("--admin-port=9191");
    expect(c.ports).toContainEqual({ name: "admin", containerPort: 9191, protocol: "TCP" });
    const service = one<V1Service>(objects, "Service", "kuberelay-gateway-admin");
    expect(service.spec?.type).toBe("ClusterIP");
    expect(service.spec?.ports).toEqual([
      { name: "admin", port: 9191, targetPort: "admin", protocol: "TCP", appProtocol: "http" },
    ]);
    // The inference Service does not carry the admin port.
    const inference = one<V1Service>(objects, "Service", "kuberelay-gateway");
    expect(inference.spec?.ports?.map((p) => p.name)).toEqual(["http", "metrics"]);
    expect(text).not.toContain("KUBERELAY_ADMIN_TOKEN\n              value:");

    const refused = await render("gateway.admin.tokenSecret.name=admin-token").then(
      () => "rendered",
      (e: unknown) => (e instanceof CommandError ? e.stderr : String(e)),
    );
    expect(refused).toContain("gateway.admin.tokenSecret needs gateway.ledger.databaseUrlSecret");
  });

  it("security: renders byte-identical manifests on every helm template run (GitOps)", async () => {
    const first = await render();
    const second = await render();
    expect(second.text).toBe(first.text);
  });

  it("uses an existing master key Secret instead of generating one", async () => {
    const { objects } = await render("masterKey.existingSecret=platform-kek", "masterKey.secretKey=kek");
    expect(objects.some((o) => o.kind === "Secret" && o.metadata.name.includes("master-key"))).toBe(false);
    const operator = one<V1Deployment>(objects, "Deployment", "kuberelay-operator");
    expect(operator.spec?.template.spec?.initContainers).toBeUndefined();
    for (const name of ["kuberelay-operator", "kuberelay-gateway"]) {
      const c = firstContainer(one<V1Deployment>(objects, "Deployment", name));
      expect(env(c, "KUBERELAY_MASTER_KEY")?.valueFrom?.secretKeyRef).toEqual({
        name: "platform-kek",
        key: "kek",
      });
    }
  });

  it("passes an unwrap-only previous master key and, when set, the KMS key", async () => {
    const plain = await render();
    const kms = await render("kms.keyId=arn:aws:kms:eu-west-1:111122223333:key/k1", "kms.region=eu-west-1");
    for (const name of ["kuberelay-operator", "kuberelay-gateway"]) {
      const c = firstContainer(one<V1Deployment>(plain.objects, "Deployment", name));
      expect(env(c, "KUBERELAY_MASTER_KEY_PREVIOUS")?.valueFrom?.secretKeyRef).toEqual({
        name: "kuberelay-master-key",
        key: "master-key-previous",
        optional: true,
      });
      expect(env(c, "KUBERELAY_KMS_KEY_ID")).toBeUndefined();
      const k = firstContainer(one<V1Deployment>(kms.objects, "Deployment", name));
      expect(env(k, "KUBERELAY_KMS_KEY_ID")?.value).toBe("arn:aws:kms:eu-west-1:111122223333:key/k1");
      expect(env(k, "AWS_REGION")?.value).toBe("eu-west-1");
      expect(env(k, "KUBERELAY_KMS_ENDPOINT")).toBeUndefined();
    }
    const webhook = firstContainer(one<V1Deployment>(kms.objects, "Deployment", "kuberelay-webhook"));
    expect(env(webhook, "KUBERELAY_KMS_KEY_ID")).toBeUndefined();
    // Moving from one KMS key to another: the old ids only unwrap, and still need the region.
    const moving = await render("kms.keyId=k2", "kms.previousKeyIds={k1,k0}", "kms.region=eu-west-1");
    const leaving = await render("kms.previousKeyIds={k1}", "kms.region=eu-west-1");
    for (const name of ["kuberelay-operator", "kuberelay-gateway"]) {
      const m = firstContainer(one<V1Deployment>(moving.objects, "Deployment", name));
      expect(env(m, "KUBERELAY_KMS_KEY_ID_PREVIOUS")?.value).toBe("k1,k0");
      const l = firstContainer(one<V1Deployment>(leaving.objects, "Deployment", name));
      expect(env(l, "KUBERELAY_KMS_KEY_ID")).toBeUndefined();
      expect(env(l, "KUBERELAY_KMS_KEY_ID_PREVIOUS")?.value).toBe("k1");
      expect(env(l, "AWS_REGION")?.value).toBe("eu-west-1");
    }
  });

  describe("issue 15: observability", () => {
    /** The fields of the Prometheus Operator's kinds these tests read (their CRDs are not installed here). */
    interface ServiceMonitor extends Manifest {
      spec: {
        selector: {
          matchLabels: Record<string, string>;
          matchExpressions: { key: string; operator: string; values: string[] }[];
        };
        namespaceSelector: unknown;
        endpoints: Record<string, unknown>[];
      };
    }
    /** As rendered: @kubernetes/client-node spells an ingress rule's `from` as `_from`. */
    interface NetworkPolicy extends Manifest {
      spec: {
        podSelector: { matchLabels: Record<string, string> };
        policyTypes: string[];
        ingress: { ports?: { port: number; protocol: string }[]; from?: unknown[] }[];
      };
    }
    interface PrometheusRule extends Manifest {
      spec: {
        groups: {
          rules: {
            alert: string;
            expr: string;
            labels: Record<string, string>;
            annotations: Record<string, string>;
          }[];
        }[];
      };
    }
    const components = ["kuberelay-gateway", "kuberelay-operator", "kuberelay-webhook"];

    it("gives all three components the metrics token from the named Secret, and none without one", async () => {
      const none = await render();
      const named = await render("metrics.tokenSecret.name=metrics-token");
      for (const name of components) {
        const off = firstContainer(one<V1Deployment>(none.objects, "Deployment", name));
        expect(env(off, "KUBERELAY_METRICS_TOKEN")).toBeUndefined();
        const on = firstContainer(one<V1Deployment>(named.objects, "Deployment", name));
        expect(env(on, "KUBERELAY_METRICS_TOKEN")).toEqual({
          name: "KUBERELAY_METRICS_TOKEN",
          valueFrom: { secretKeyRef: { name: "metrics-token", key: "token" } },
        });
      }
    });

    it("renders NetworkPolicies by default: inference and webhook ports open, ops ports to the monitoring namespace, admin only to its peers", async () => {
      const { objects } = await render(
        "gateway.ledger.databaseUrlSecret.name=ledger-db",
        "gateway.admin.tokenSecret.name=admin-token",
      );
      const policies = ofKind<NetworkPolicy>(objects, "NetworkPolicy");
      expect(policies.map((p) => p.metadata?.name).sort()).toEqual(components);
      const rules = (name: string) => {
        const p = one<NetworkPolicy>(objects, "NetworkPolicy", name);
        expect(p.spec?.policyTypes).toEqual(["Ingress"]);
        expect(p.spec?.podSelector.matchLabels?.["app.kubernetes.io/component"]).toBe(name.split("-")[1]);
        return (p.spec?.ingress ?? []).map((r) => ({ ports: r.ports?.map((x) => x.port), from: r.from }));
      };
      const monitoring = [
        { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } },
      ];
      // No `from`: any source. The admin port (9091) has no rule: nothing reaches it over the network.
      expect(rules("kuberelay-gateway")).toEqual([
        { ports: [8787], from: undefined },
        { ports: [9090], from: monitoring },
      ]);
      expect(rules("kuberelay-operator")).toEqual([{ ports: [9090], from: monitoring }]);
      expect(rules("kuberelay-webhook")).toEqual([
        { ports: [8443], from: undefined },
        { ports: [9090], from: monitoring },
      ]);

      const narrowed = await render(
        "gateway.ledger.databaseUrlSecret.name=ledger-db",
        "gateway.admin.tokenSecret.name=admin-token",
        "networkPolicy.metricsNamespaceSelector.team=observability",
        "networkPolicy.metricsPodSelector.app=prometheus",
        "networkPolicy.adminFrom[0].namespaceSelector.matchLabels.team=finance",
        "networkPolicy.webhookFrom[0].ipBlock.cidr=172.20.0.0/16",
      );
      const gateway = one<NetworkPolicy>(narrowed.objects, "NetworkPolicy", "kuberelay-gateway");
      expect(gateway.spec?.ingress?.[1]?.from).toEqual([
        {
          namespaceSelector: {
            matchLabels: { "kubernetes.io/metadata.name": "monitoring", team: "observability" },
          },
          podSelector: { matchLabels: { app: "prometheus" } },
        },
      ]);
      expect(gateway.spec?.ingress?.[2]).toEqual({
        ports: [{ port: 9091, protocol: "TCP" }],
        from: [{ namespaceSelector: { matchLabels: { team: "finance" } } }],
      });
      const webhook = one<NetworkPolicy>(narrowed.objects, "NetworkPolicy", "kuberelay-webhook");
      expect(webhook.spec?.ingress?.[0]?.from).toEqual([{ ipBlock: { cidr: "172.20.0.0/16" } }]);

      const off = await render("networkPolicy.enabled=false");
      expect(ofKind(off.objects, "NetworkPolicy")).toEqual([]);
      const noWebhook = await render("webhook.enabled=false");
      expect(ofKind<NetworkPolicy>(noWebhook.objects, "NetworkPolicy").map((p) => p.metadata?.name)).toEqual([
        "kuberelay-gateway",
        "kuberelay-operator",
      ]);
      expect(noWebhook.objects.some((o) => o.metadata.name === "kuberelay-webhook-metrics")).toBe(false);
    });

    it("ships the dashboard JSON in a ConfigMap with the Grafana sidecar's label, only when asked", async () => {
      expect((await render()).objects.some((o) => o.kind === "ConfigMap")).toBe(false);
      const { objects } = await render("dashboards.enabled=true", "dashboards.labelValue=kuberelay");
      const cm = one<V1ConfigMap>(objects, "ConfigMap", "kuberelay-dashboards");
      expect(cm.metadata?.labels?.grafana_dashboard).toBe("kuberelay");
      const file = readFileSync(join(chart, "dashboards", "kuberelay.json"), "utf8");
      expect(JSON.parse(cm.data?.["kuberelay.json"] ?? "")).toEqual(JSON.parse(file));
    });

    it("scrapes the three metrics ports with a ServiceMonitor that sends the token", async () => {
      const { objects } = await render(
        "serviceMonitor.enabled=true",
        "serviceMonitor.labels.release=kube-prometheus-stack",
        "metrics.tokenSecret.name=metrics-token",
      );
      const sm = one<ServiceMonitor>(objects, "ServiceMonitor", "kuberelay");
      expect(sm.apiVersion).toBe("monitoring.coreos.com/v1");
      expect(sm.metadata.labels?.release).toBe("kube-prometheus-stack");
      expect(sm.spec.namespaceSelector).toEqual({ matchNames: [namespace] });
      expect(sm.spec.endpoints).toEqual([
        {
          port: "metrics",
          path: "/metrics",
          interval: "30s",
          scrapeTimeout: "10s",
          authorization: { type: "Bearer", credentials: { name: "metrics-token", key: "token" } },
        },
      ]);
      // The Services it selects, as the Prometheus Operator would: one with a metrics port per component.
      const selected = ofKind<V1Service>(objects, "Service").filter((s) => {
        const labels = s.metadata?.labels ?? {};
        const byLabels = Object.entries(sm.spec.selector.matchLabels).every(([k, v]) => labels[k] === v);
        const byExpr = sm.spec.selector.matchExpressions.every((e) => e.values.includes(labels[e.key] ?? ""));
        return byLabels && byExpr && s.spec?.ports?.some((p) => p.name === "metrics");
      });
      expect(selected.map((s) => s.metadata?.name).sort()).toEqual([
        "kuberelay-gateway",
        "kuberelay-operator-metrics",
        "kuberelay-webhook-metrics",
      ]);
      const plain = await render("serviceMonitor.enabled=true");
      expect(
        one<ServiceMonitor>(plain.objects, "ServiceMonitor", "kuberelay").spec.endpoints[0],
      ).not.toHaveProperty("authorization");
    });

    it("alerts only on metrics our processes export, with thresholds from values", async () => {
      expect((await render()).objects.some((o) => o.kind === "PrometheusRule")).toBe(false);
      const { objects } = await render(
        "prometheusRule.enabled=true",
        "prometheusRule.errorRatio=0.1",
        "prometheusRule.certificateExpiryDays=7",
        "prometheusRule.alertLabels.team=platform",
      );
      const rule = one<PrometheusRule>(objects, "PrometheusRule", "kuberelay");
      expect(rule.apiVersion).toBe("monitoring.coreos.com/v1");
      const alerts = rule.spec.groups.flatMap((g) => g.rules);
      expect(alerts.map((a) => a.alert)).toEqual([
        "KuberelayBudgetNearLimit",
        "KuberelayBudgetExhausted",
        "KuberelayGatewayErrorRate",
        "KuberelayConfigReloadFailing",
        "KuberelayGatewayConfigGenerationSkew",
        "KuberelayMissedInjections",
        "KuberelayWebhookCertificateExpiring",
      ]);
      const registered = await registeredMetricNames();
      for (const a of alerts) {
        const names = promqlMetricNames(a.expr);
        expect(names, a.alert).not.toEqual([]);
        expect(
          names.filter((n) => !registered.has(n)),
          a.alert,
        ).toEqual([]);
        expect(a.labels.team, a.alert).toBe("platform");
        // Prometheus's own templates survive Helm's.
        expect(a.annotations.summary, a.alert).toMatch(/\{\{ \$(labels|value)/);
      }
      const byName = Object.fromEntries(alerts.map((a) => [a.alert, a.expr]));
      expect(byName.KuberelayGatewayErrorRate).toMatch(/> 0\.1$/);
      expect(byName.KuberelayWebhookCertificateExpiring).toMatch(/< 604800$/);
    });
  });

  describe("against a real API server", () => {
    let cp: ControlPlane | undefined;
    const plane = (): ControlPlane => {
      if (cp === undefined) throw new Error("control plane did not start");
      return cp;
    };
    let rendered = "";
    let failClosed = "";

    beforeAll(async () => {
      cp = await startControlPlane();
      ({ text: rendered } = await render());
      ({ text: failClosed } = await render("webhook.failClosedForLabelledNamespaces=true"));
    });

    afterAll(async () => {
      await cp?.stop();
    });

    it("accepts the CRDs and the rendered chart (server-side dry run)", async () => {
      const { kubectl } = plane();
      await kubectl(["apply", "--server-side", "-f", crdDir]);
      await kubectl(["wait", "--for=condition=Established", "--timeout=60s", "crd", "--all"]);
      await kubectl(["create", "namespace", namespace]);
      const { stdout } = await kubectl(["apply", "--dry-run=server", "-f", "-"], rendered);
      for (const line of [
        "deployment.apps/kuberelay-operator created (server dry run)",
        "deployment.apps/kuberelay-gateway created (server dry run)",
        "deployment.apps/kuberelay-webhook created (server dry run)",
        "mutatingwebhookconfiguration.admissionregistration.k8s.io/kuberelay created (server dry run)",
        "poddisruptionbudget.policy/kuberelay-webhook created (server dry run)",
        "clusterrole.rbac.authorization.k8s.io/kuberelay-edit created (server dry run)",
        "networkpolicy.networking.k8s.io/kuberelay-gateway created (server dry run)",
        "networkpolicy.networking.k8s.io/kuberelay-webhook created (server dry run)",
        "service/kuberelay-operator-metrics created (server dry run)",
      ]) {
        expect(stdout).toContain(line);
      }
      // The fail-closed entry's CEL match conditions compile on the real API server too.
      const closed = await kubectl(["apply", "--dry-run=server", "-f", "-"], failClosed);
      expect(closed.stdout).toContain(
        "mutatingwebhookconfiguration.admissionregistration.k8s.io/kuberelay created (server dry run)",
      );
    });

    it("issue 15: accepts the dashboard ConfigMap, the metrics token and narrowed NetworkPolicies (server-side dry run)", async () => {
      const { kubectl } = plane();
      const { text } = await render(
        "dashboards.enabled=true",
        "metrics.tokenSecret.name=metrics-token",
        "gateway.ledger.databaseUrlSecret.name=ledger-db",
        "gateway.admin.tokenSecret.name=admin-token",
        "networkPolicy.metricsPodSelector.app=prometheus",
        "networkPolicy.adminFrom[0].namespaceSelector.matchLabels.team=finance",
        "networkPolicy.webhookFrom[0].ipBlock.cidr=172.20.0.0/16",
        "gateway.autoscaling.enabled=true",
      );
      await kubectl(["create", "namespace", namespace]).catch(() => undefined);
      const { stdout } = await kubectl(["apply", "--dry-run=server", "-f", "-"], text);
      for (const line of [
        "configmap/kuberelay-dashboards created (server dry run)",
        "networkpolicy.networking.k8s.io/kuberelay-gateway created (server dry run)",
        "networkpolicy.networking.k8s.io/kuberelay-operator created (server dry run)",
        "networkpolicy.networking.k8s.io/kuberelay-webhook created (server dry run)",
        "service/kuberelay-webhook-metrics created (server dry run)",
        "deployment.apps/kuberelay-gateway created (server dry run)",
        "horizontalpodautoscaler.autoscaling/kuberelay-gateway created (server dry run)",
      ]) {
        expect(stdout).toContain(line);
      }
    });

    it("upgrades an install whose chart rendered the master key, keeping the key and the operator's caBundle", async () => {
      const { kubectl, kubeconfigPath } = plane();
      const kube = ["--kubeconfig", kubeconfigPath, "--namespace", namespace];
      const readSecret = async (name: string) =>
        JSON.parse(
          (await kubectl(["get", "secret", name, "-n", namespace, "-o", "json"])).stdout,
        ) as V1Secret;
      const secrets = async () => {
        const { stdout } = await kubectl(["get", "mutatingwebhookconfiguration", "kuberelay", "-o", "json"]);
        const mwc = JSON.parse(stdout) as V1MutatingWebhookConfiguration;
        return {
          masterKey: (await readSecret("kuberelay-master-key")).data,
          caBundle: mwc.webhooks?.[0]?.clientConfig.caBundle,
        };
      };
      // An install made by a chart version that rendered a random key itself.
      await helm(["install", release, await legacyChart(), ...kube]);
      expect(
        Buffer.from(decode(await readSecret("kuberelay-master-key"), "master-key").toString(), "base64"),
      ).toHaveLength(32);
      // No operator runs here: write the caBundle as it would, then check helm leaves it alone.
      const ca = await createCa({
        commonName: "kuberelay-webhook-ca",
        notBefore: new Date(),
        notAfter: new Date(Date.now() + 86_400_000),
      });
      const caBundle = Buffer.from(ca.certPem).toString("base64");
      const patch = [{ op: "add", path: "/webhooks/0/clientConfig/caBundle", value: caBundle }];
      await kubectl([
        "patch",
        "mutatingwebhookconfiguration",
        "kuberelay",
        "--type=json",
        "-p",
        JSON.stringify(patch),
      ]);
      const installed = await secrets();
      expect(installed.caBundle).toBe(caBundle);
      // Mid-rotation, an unwrap-only key sits next to the master key: upgrades keep both.
      const previous = randomBytes(32).toString("base64");
      await kubectl([
        "patch",
        "secret",
        "kuberelay-master-key",
        "-n",
        namespace,
        "--type=merge",
        "-p",
        JSON.stringify({ stringData: { "master-key-previous": previous } }),
      ]);
      const expected = {
        ...installed,
        masterKey: {
          ...installed.masterKey,
          "master-key-previous": Buffer.from(previous).toString("base64"),
        },
      };
      await helm(["upgrade", release, chart, ...kube, "--set", "logLevel=debug"]);
      expect(await secrets()).toEqual(expected);
      expect(
        (await readSecret("kuberelay-master-key")).metadata?.annotations?.["helm.sh/resource-policy"],
      ).toBe("keep");
      const { stdout } = await kubectl([
        "get",
        "deployment",
        "kuberelay-gateway",
        "-n",
        namespace,
        "-o",
        "json",
      ]);
      const gateway = firstContainer(JSON.parse(stdout) as V1Deployment);
      expect(env(gateway, "KUBERELAY_LOG_LEVEL")?.value).toBe("debug");
      // Uninstalling leaves the key (the config may still be sealed under it); reinstalling reuses it.
      await helm(["uninstall", release, ...kube]);
      expect((await readSecret("kuberelay-master-key")).data).toEqual(expected.masterKey);
      await helm(["install", release, chart, ...kube]);
      await helm(["upgrade", release, chart, ...kube]);
      expect((await readSecret("kuberelay-master-key")).data).toEqual(expected.masterKey);
    });

    it("the init container's create-once: creates a missing key, never replaces an existing one", async () => {
      const { kubectl, kubeconfigPath } = plane();
      const kc = new KubeConfig();
      kc.loadFromFile(kubeconfigPath);
      const api = kubeMasterKeySecretApi(kc);
      const read = async (name: string) =>
        (
          JSON.parse(
            (await kubectl(["get", "secret", name, "-n", namespace, "-o", "json"])).stdout,
          ) as V1Secret
        ).data;
      const existing = await read("kuberelay-master-key");
      const kept = { namespace, name: "kuberelay-master-key", key: "master-key" };
      expect(await ensureMasterKeySecret(api, kept)).toBe("kept");
      expect(await read("kuberelay-master-key")).toEqual(existing);
      const fresh = { namespace, name: "kuberelay-fresh-master-key", key: "master-key" };
      expect(await ensureMasterKeySecret(api, fresh)).toBe("created");
      const created = await read(fresh.name);
      expect(
        Buffer.from(Buffer.from(created?.["master-key"] ?? "", "base64").toString(), "base64"),
      ).toHaveLength(32);
      expect(await ensureMasterKeySecret(api, fresh)).toBe("kept");
      expect(await read(fresh.name)).toEqual(created);
      await kubectl(["delete", "secret", fresh.name, "-n", namespace]);
    });

    it("grants the installed RBAC: least privilege for each process and the aggregated roles", async () => {
      const { kubectl } = plane();
      const can = async (as: string, verb: string, resource: string, ns: string, ...more: string[]) => {
        const result = await kubectl(["auth", "can-i", verb, resource, "-n", ns, `--as=${as}`, ...more]).then(
          (r) => r.stdout,
          (e: unknown) => (e instanceof CommandError ? e.stdout : Promise.reject(e)),
        );
        return result.trim() === "yes";
      };
      const sa = (name: string) => `system:serviceaccount:${namespace}:kuberelay-${name}`;
      expect(await can(sa("gateway"), "watch", `secrets/${configSecret}`, namespace)).toBe(true);
      expect(await can(sa("gateway"), "get", "secrets/kuberelay-master-key", namespace)).toBe(false);
      expect(await can(sa("gateway"), "list", "secrets", "default")).toBe(false);
      expect(await can(sa("operator"), "update", `secrets/${configSecret}`, namespace)).toBe(true);
      expect(
        await can(sa("operator"), "patch", "relaykeys.kuberelay.dev", "team-a", "--subresource=status"),
      ).toBe(true);
      expect(await can(sa("operator"), "patch", "relaykeys.kuberelay.dev", "team-a")).toBe(false);
      expect(await can(sa("webhook"), "get", "relaykeys.kuberelay.dev", "team-a")).toBe(true);
      expect(await can(sa("webhook"), "get", "secrets", "team-a")).toBe(false);
      expect(await can(sa("webhook"), "watch", "secrets/kuberelay-webhook-tls", namespace)).toBe(true);
      expect(await can(sa("webhook"), "get", "secrets/kuberelay-webhook-tls-ca", namespace)).toBe(false);
      expect(await can(sa("webhook"), "update", "secrets/kuberelay-webhook-tls", namespace)).toBe(false);
      expect(await can(sa("operator"), "update", "secrets/kuberelay-webhook-tls-ca", namespace)).toBe(true);
      const mwc = "mutatingwebhookconfigurations.admissionregistration.k8s.io";
      expect(await can(sa("operator"), "patch", `${mwc}/kuberelay`, namespace)).toBe(true);
      expect(await can(sa("operator"), "patch", `${mwc}/someone-else`, namespace)).toBe(false);
      // The webhook watches RelayKeys and Namespaces; the operator watches Pods but never writes them.
      expect(await can(sa("webhook"), "watch", "relaykeys.kuberelay.dev", "team-a")).toBe(true);
      expect(await can(sa("webhook"), "list", "namespaces", "default")).toBe(true);
      expect(await can(sa("operator"), "watch", "pods", "team-a")).toBe(true);
      expect(await can(sa("operator"), "patch", "pods", "team-a")).toBe(false);
      // Its own Deployment, to learn the uid its Secrets' ownerReference names; nothing more.
      expect(await can(sa("operator"), "get", "deployments.apps/kuberelay-operator", namespace)).toBe(true);
      expect(await can(sa("operator"), "get", "deployments.apps/kuberelay-gateway", namespace)).toBe(false);
      expect(await can(sa("operator"), "list", "deployments.apps", namespace)).toBe(false);
      expect(await can(sa("operator"), "update", "deployments.apps/kuberelay-operator", namespace)).toBe(
        false,
      );

      // A team member with the built-in edit role in their namespace (aggregated by the controller manager).
      await kubectl(["create", "namespace", "team-a"]);
      await kubectl([
        "create",
        "rolebinding",
        "dev-edit",
        "-n",
        "team-a",
        "--clusterrole=edit",
        "--user=dev",
      ]);
      await kubectl([
        "create",
        "rolebinding",
        "auditor-view",
        "-n",
        "team-a",
        "--clusterrole=view",
        "--user=auditor",
      ]);
      const deadline = Date.now() + 30_000;
      while (!(await can("dev", "create", "relaykeys.kuberelay.dev", "team-a")) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(await can("dev", "create", "relaykeys.kuberelay.dev", "team-a")).toBe(true);
      expect(await can("dev", "delete", "policies.kuberelay.dev", "team-a")).toBe(true);
      expect(await can("dev", "get", "providerkeys.kuberelay.dev", "team-a")).toBe(true);
      expect(await can("dev", "create", "providerkeys.kuberelay.dev", "team-a")).toBe(false);
      expect(await can("auditor", "list", "providerkeys.kuberelay.dev", "team-a")).toBe(true);
      expect(await can("auditor", "create", "relaykeys.kuberelay.dev", "team-a")).toBe(false);
    });

    it("helm uninstall garbage-collects the Secrets the operator wrote, older ones too; the master key stays", async () => {
      const cp = plane();
      // The operator's code under the operator's RBAC, against the installed release's objects.
      const kc = new KubeConfig();
      kc.loadFromFile(await cp.serviceAccountKubeconfig(namespace, "kuberelay-operator"));
      const log = createLogger("chart-test", { sink: () => {} });
      const keys = new KeyRing(localMasterKey(randomBytes(32)));
      const target = { namespace, name: configSecret, shardBytes: 256 };
      const draft = {
        keys: [],
        policies: {},
        providers: Object.fromEntries(
          Array.from({ length: 8 }, (_, i) => [
            `team-${i}/openai`,
            { provider: "openai" as const, baseURL: undefined, region: undefined, credential: `sk-${i}` },
          ]),
        ),
      };
      const tls: WebhookTlsConfig = {
        namespace,
        secretName: "kuberelay-webhook-tls",
        caSecretName: "kuberelay-webhook-tls-ca",
        webhookConfigName: "kuberelay",
        serviceName: "kuberelay-webhook",
        extraSans: [],
        certValidityMs: 3_600_000,
        certRenewBeforeMs: 600_000,
        caValidityMs: 7_200_000,
        caRenewBeforeMs: 1_200_000,
        propagationMs: 1_000,
      };
      // What an operator from before owner references left: config, shards, webhook TLS and CA.
      expect(await new ConfigWriter(kc, log, keys, target).write(draft)).toBe("written");
      await new TlsReconciler({ store: kubeTlsStore(kc, tls, undefined), config: tls }).pass();
      const { stdout } = await cp.kubectl(["get", "secrets", "-n", namespace, "-o", "json"]);
      const operatorMade = (name = "") =>
        name.startsWith(configSecret) || name === tls.secretName || name === tls.caSecretName;
      const made = (JSON.parse(stdout) as { items: V1Secret[] }).items.filter((s) =>
        operatorMade(s.metadata?.name),
      );
      const names = made.map((s) => s.metadata?.name ?? "");
      expect(names.filter((n) => n.startsWith(`${configSecret}-`)).length).toBeGreaterThan(1);
      expect(names).toEqual(expect.arrayContaining([configSecret, tls.secretName, tls.caSecretName]));
      expect(made.every((s) => s.metadata?.ownerReferences === undefined)).toBe(true);

      // This release's operator: reads its Deployment, then adds itself as owner, data untouched.
      const owner = await resolveSecretOwner(kc, log, namespace, "kuberelay-operator");
      expect(owner?.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(await new ConfigWriter(kc, log, keys, { ...target, owner }).write(draft)).toBe("unchanged");
      expect(
        (await new TlsReconciler({ store: kubeTlsStore(kc, tls, owner), config: tls }).pass()).actions,
      ).toEqual([]);
      for (const before of made) {
        const after = await cp.kubectl([
          "get",
          "secret",
          before.metadata?.name ?? "",
          "-n",
          namespace,
          "-o",
          "json",
        ]);
        const secret = JSON.parse(after.stdout) as V1Secret;
        expect(secret.data, before.metadata?.name).toEqual(before.data);
        expect(secret.metadata?.ownerReferences, before.metadata?.name).toEqual([owner]);
      }

      const kube = ["--kubeconfig", cp.kubeconfigPath, "--namespace", namespace];
      await helm(["uninstall", release, ...kube]);
      const uninstalled = Date.now();
      const left = await waitFor(
        "the garbage collector to delete the operator's Secrets",
        async () => {
          const { stdout } = await cp.kubectl(["get", "secrets", "-n", namespace, "-o", "name"]);
          const names = stdout.split("\n").filter(Boolean);
          return names.some((n) => made.some((m) => n === `secret/${m.metadata?.name}`)) ? undefined : names;
        },
        60_000,
        250,
      );
      console.log(
        `operator-made Secrets garbage-collected ${Date.now() - uninstalled} ms after helm uninstall`,
      );
      expect(left).toEqual(["secret/kuberelay-master-key"]);
    });
  });
});

function chartAppVersion(objects: readonly Manifest[]): string {
  const version = objects.find((o) => o.kind === "Deployment")?.metadata.labels?.[
    "app.kubernetes.io/version"
  ];
  if (version === undefined) throw new Error("no app.kubernetes.io/version label");
  return version;
}
