/**
 * GitOps on a real API server with the operator running (issue 15): every example applied with
 * server-side apply under a GitOps field manager, reconciled, and then a server-side diff of the
 * same objects is empty — the operator writes status and its own Secrets, never a field Git owns.
 * And a provider Secret rotated in place the way External Secrets Operator does reaches every
 * gateway without a restart (the plain-Secret case: operator-resilience.test.ts).
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { runHealthCheck } from "../docs/argocd/run-health.js";
import { type ExampleObject, examplesDir, loadExampleObjects } from "../examples/example-objects.js";
import { appliedConfigs } from "./harness/applied-configs.js";
import { chatStatus } from "./harness/chat-status.js";
import { writeEsoSecret } from "./harness/eso-secret.js";
import { createHelmCli } from "./harness/helm-cli.js";
import { issuedRelayKey } from "./harness/issued-relay-key.js";
import { type Stack, startStack } from "./harness/kuberelay-stack.js";
import { CommandError } from "./harness/run-command.js";
import { waitFor } from "./harness/wait-for.js";

const GITOPS = "gitops";
const KUBERELAY_KINDS = new Set(["ProviderKey", "Policy", "RelayKey"]);
let stack: Stack;

interface Live {
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    generation: number;
    managedFields?: Array<{ manager: string; operation: string; subresource?: string }>;
  };
  spec: { credentials?: { secretKeyRef?: { name: string; key: string } } };
  status?: {
    observedGeneration?: number;
    conditions?: Array<{ type: string; status: string; reason: string; message: string }>;
  };
}

interface Applicable {
  /** The objects applied: the example's, less the ESO kinds, whose CRDs this cluster lacks. */
  objects: ExampleObject[];
  /** What `-f` names: the example's folder, as a user would apply it, unless ESO kinds are left out. */
  path: (dir: string) => string;
}

function applicableExamples(): Map<string, Applicable> {
  const byExample = new Map<string, ExampleObject[]>();
  for (const o of loadExampleObjects()) byExample.set(o.example, [...(byExample.get(o.example) ?? []), o]);
  const isEso = (o: ExampleObject) => o.apiVersion.startsWith("external-secrets.io/");
  return new Map(
    [...byExample].map(([example, objects]) => {
      if (!objects.some(isEso)) return [example, { objects, path: () => join(examplesDir, example) }];
      const kept = objects.filter((o) => !isEso(o));
      const path = (dir: string) => {
        const file = join(dir, `example-${example}.yaml`);
        writeFileSync(file, kept.map((o) => JSON.stringify(o.raw)).join("\n---\n"));
        return file;
      };
      return [example, { objects: kept, path }];
    }),
  );
}

async function liveKuberelayObjects(): Promise<Live[]> {
  const { stdout } = await stack.cp.kubectl([
    "get",
    "providerkeys,policies,relaykeys",
    "-A",
    "-o",
    "json",
    "--show-managed-fields",
  ]);
  return (JSON.parse(stdout) as { items: Live[] }).items;
}

const readyOf = (o: Live) => o.status?.conditions?.find((c) => c.type === "Ready");
const reconciled = (o: Live) =>
  o.status?.observedGeneration === o.metadata.generation && readyOf(o) !== undefined;

beforeAll(async () => {
  stack = await startStack({ gateways: 2 });
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

describe("GitOps", () => {
  const examples = applicableExamples();

  it("applies every example server-side; once the operator has reconciled, a server-side diff is empty", async () => {
    const files = new Map<string, string>();
    for (const [example, { path }] of examples) {
      const file = path(stack.cp.dir);
      files.set(example, file);
      await stack.cp.kubectl(["apply", "--server-side", `--field-manager=${GITOPS}`, "-f", file]);
    }
    // Before its Secret exists a ProviderKey is Ready=False, which the Argo CD check calls Degraded.
    const missing = await waitFor("a ProviderKey to report its missing Secret", async () => {
      const pk = (await liveKuberelayObjects()).find(
        (o) =>
          o.kind === "ProviderKey" && o.metadata.namespace === "llm-platform" && o.metadata.name === "openai",
      );
      return pk && reconciled(pk) ? pk : undefined;
    });
    expect(readyOf(missing)).toMatchObject({ status: "False", reason: "SecretNotFound" });
    expect(runHealthCheck(missing)).toEqual({
      status: "Degraded",
      message: `SecretNotFound: ${readyOf(missing)?.message}`,
    });

    // The provider Secrets Git never holds, written by someone else (a person, or ESO).
    const providerKeys = [...examples.values()]
      .flatMap((e) => e.objects)
      .filter((o) => o.kind === "ProviderKey");
    for (const pk of providerKeys) {
      const ref = (pk.raw as unknown as Live).spec.credentials?.secretKeyRef;
      if (!ref || !pk.namespace) continue;
      const value = `sk-${randomBytes(24).toString("hex")}`;
      stack.canaries.add(`${pk.namespace}/${ref.name}`, value);
      await writeEsoSecret(stack.cp.kubectl, pk.namespace, ref.name, { [ref.key]: value });
    }

    const expected = [...examples.values()]
      .flatMap((e) => e.objects)
      .filter((o) => KUBERELAY_KINDS.has(o.kind));
    // Reconciled: status for the current generation, and Ready (the Secrets came after the objects).
    const live = await waitFor("the operator to reconcile every example object", async () => {
      const items = await liveKuberelayObjects();
      const mine = items.filter((i) =>
        expected.some(
          (e) => e.kind === i.kind && e.name === i.metadata.name && e.namespace === i.metadata.namespace,
        ),
      );
      const pending = mine.filter((o) => !reconciled(o) || readyOf(o)?.status !== "True");
      if (mine.length === expected.length && pending.length === 0) return mine;
      // Thrown, not returned: on timeout waitFor says which objects were not there yet, and why.
      throw new Error(
        `${mine.length}/${expected.length} objects; not Ready: ${pending
          .map(
            (o) =>
              `${o.kind} ${o.metadata.namespace}/${o.metadata.name} ${JSON.stringify(readyOf(o) ?? null)}`,
          )
          .join("; ")}`,
      );
    });
    for (const o of live) {
      const where = `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;
      // The Argo CD health check of docs/gitops.md agrees, on what the operator really wrote.
      expect(runHealthCheck(o).status, where).toBe("Healthy");
      // Only two writers: GitOps (spec, metadata) and the operator (status, through the subresource).
      const writers = (o.metadata.managedFields ?? []).map(
        (m) => `${m.manager}/${m.operation}/${m.subresource ?? ""}`,
      );
      expect(new Set(writers), where).toEqual(
        new Set([`${GITOPS}/Apply/`, "kuberelay-operator/Apply/status"]),
      );
    }

    for (const [example, file] of files) {
      expect({ example, ...(await serverSideDiff(file)) }).toEqual({
        example,
        stdout: "",
        stderr: "",
        exitCode: 0,
      });
    }

    // The check can fail: a writer that changes a field Git owns, as a fighting operator would,
    // makes the same diff fail, naming the writer and the field.
    await stack.cp.kubectl([
      "patch",
      "policy",
      "-n",
      "team-a",
      "default",
      "--type=merge",
      "--field-manager=fighter",
      "-p",
      JSON.stringify({ spec: { limits: { requestsPerMinute: 1 } } }),
    ]);
    const fought = await serverSideDiff(files.get("team-onboarding") ?? "");
    // Server-side, GitOps' apply now conflicts with the other writer over the field both set.
    expect(fought.exitCode).not.toBe(0);
    expect(fought.stderr).toMatch(/conflict/i);
    expect(fought.stderr).toContain("fighter");
    expect(fought.stderr).toContain(".spec.limits.requestsPerMinute");
  }, 120_000);
});

/** `kubectl diff` exits 0 when nothing differs, 1 when something does, above 1 on errors. */
async function serverSideDiff(
  file: string,
): Promise<{ stdout: string; stderr: string; exitCode: number | null }> {
  try {
    const { stdout, stderr } = await stack.cp.kubectl([
      "diff",
      "--server-side",
      `--field-manager=${GITOPS}`,
      "-f",
      file,
    ]);
    return { stdout, stderr, exitCode: 0 };
  } catch (err) {
    if (err instanceof CommandError)
      return { stdout: err.stdout, stderr: err.stderr, exitCode: err.exitCode };
    throw err;
  }
}

async function secretMeta(namespace: string, name: string) {
  const { stdout } = await stack.cp.kubectl(["get", "secret", "-n", namespace, name, "-o", "json"]);
  return JSON.parse(stdout) as { metadata: { uid: string; resourceVersion: string }; immutable?: boolean };
}

describe("a provider Secret rotated by External Secrets Operator", () => {
  const NS = "eso-rotation";

  it("reaches every gateway without a restart: the upstream sees the new credential on the next requests", async () => {
    // The backend's old value has been revoked upstream: the mock refuses it.
    const revoked = `sk-${randomBytes(24).toString("hex")}`;
    stack.canaries.add("the revoked provider key", revoked);
    await stack.cp.kubectl(["create", "namespace", NS]);
    await writeEsoSecret(stack.cp.kubectl, NS, "openai-credentials", { apiKey: revoked });
    await stack.cp.kubectl(
      ["apply", "--server-side", `--field-manager=${GITOPS}`, "-f", "-"],
      [
        {
          kind: "ProviderKey",
          spec: {
            provider: "openai-compatible",
            baseURL: `${stack.mock.url}/v1`,
            allowPrivateNetwork: true,
            credentials: { secretKeyRef: { name: "openai-credentials", key: "apiKey" } },
          },
          name: "openai",
        },
        {
          kind: "Policy",
          spec: { routes: [{ model: "gpt-4o-mini", targets: [{ providerKeyRef: { name: "openai" } }] }] },
          name: "default",
        },
        {
          kind: "RelayKey",
          spec: { policyRef: { name: "default" }, secretName: "app-relay-key" },
          name: "app",
        },
      ]
        .map(({ kind, spec, name }) =>
          JSON.stringify({
            apiVersion: "kuberelay.dev/v1alpha1",
            kind,
            metadata: { name, namespace: NS },
            spec,
          }),
        )
        .join("\n---\n"),
    );
    const key = await issuedRelayKey(stack, NS, "app", "app-relay-key");
    for (const gw of stack.gateways) expect(await chatStatus(gw.url, key)).not.toBe(200);
    const before = await secretMeta(NS, "openai-credentials");
    const reloads = await Promise.all(stack.gateways.map(appliedConfigs));

    // The backend now holds the key the upstream accepts; ESO's next refresh writes it in place.
    const rotatedAt = Date.now();
    await writeEsoSecret(stack.cp.kubectl, NS, "openai-credentials", { apiKey: stack.providerSecret });
    for (const gw of stack.gateways) {
      await waitFor(`${gw.url} to use the rotated credential`, async () =>
        (await chatStatus(gw.url, key)) === 200 ? true : undefined,
      );
    }
    const took = Date.now() - rotatedAt;
    console.log(`an ESO-style in-place Secret update reached both gateways in ${took} ms`);

    const after = await secretMeta(NS, "openai-credentials");
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(after.metadata.resourceVersion).not.toBe(before.metadata.resourceVersion);
    expect(after.immutable).toBeUndefined();
    // The same processes took a new config: a hot reload, not a restart.
    const reloaded = await Promise.all(stack.gateways.map(appliedConfigs));
    for (const [i, n] of reloaded.entries()) expect(n).toBeGreaterThan(reloads[i] ?? 0);
    const upstream = stack.mock.requests.filter((r) => r.path === "/v1/chat/completions");
    expect(upstream.some((r) => r.headers.authorization === `Bearer ${revoked}`)).toBe(true);
    expect(upstream.at(-1)?.headers.authorization).toBe(`Bearer ${stack.providerSecret}`);
    // Well inside the operator's 30 s resync: the Secret watch carried it.
    expect(took).toBeLessThan(15_000);
  }, 120_000);
});

describe("examples/bedrock-irsa/aws/helm-values.yaml", () => {
  it("annotates the gateway's ServiceAccount, and only it, with the IAM role (helm template)", async () => {
    const helm = await createHelmCli();
    try {
      const values = join(examplesDir, "bedrock-irsa", "aws", "helm-values.yaml");
      const text = await helm.run([
        "template",
        "kuberelay",
        "charts/kuberelay",
        "-n",
        "kuberelay-system",
        "-f",
        values,
      ]);
      const accounts = parseAllDocuments(text)
        .map(
          (d) =>
            d.toJS() as { kind?: string; metadata?: { name: string; annotations?: Record<string, string> } },
        )
        .filter((o) => o?.kind === "ServiceAccount");
      const roleOf = (name: string) =>
        accounts.find((a) => a.metadata?.name === name)?.metadata?.annotations?.[
          "eks.amazonaws.com/role-arn"
        ];
      expect(roleOf("kuberelay-gateway")).toBe("arn:aws:iam::111122223333:role/kuberelay-gateway-bedrock");
      expect(roleOf("kuberelay-operator")).toBeUndefined();
    } finally {
      await helm.cleanup();
    }
  }, 120_000);
});
