/**
 * Every example is valid: each kuberelay object against the zod schemas the CRDs come from, each
 * core object against its basic shape, each External Secrets Operator object against the ESO
 * fields we checked (eso-shapes.ts); and the references between them resolve, so applying one
 * example folder alone gives objects that can become Ready.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { z } from "zod";
import { ANNOTATION_INJECT, ANNOTATION_RELAY_KEY, API_VERSION, LABEL_INJECT } from "../common/names.js";
import { type Policy, policySchema } from "../common/schemas/policy.js";
import { type ProviderKey, providerKeySchema } from "../common/schemas/provider-key.js";
import { type RelayKey, relayKeySchema } from "../common/schemas/relay-key.js";
import { coreSchemas, type Deployment } from "./core-shapes.js";
import { ESO_API_VERSION, type ExternalSecret, esoSchemas } from "./eso-shapes.js";
import {
  type ExampleObject,
  examplesDir,
  exampleYamlFiles,
  HELM_VALUES_FILE,
  loadExampleObjects,
} from "./example-objects.js";

const kuberelaySchemas: Record<string, z.ZodType> = {
  ProviderKey: providerKeySchema,
  Policy: policySchema,
  RelayKey: relayKeySchema,
};

function schemaFor(o: ExampleObject): z.ZodType {
  if (o.kind === "Secret")
    throw new Error(`${o.file}: Secret ${o.name}: no Secrets in examples, a provider key never goes in Git`);
  const byGroup =
    o.apiVersion === API_VERSION
      ? kuberelaySchemas
      : o.apiVersion === ESO_API_VERSION
        ? esoSchemas
        : coreSchemas;
  const schema = byGroup[o.kind];
  if (!schema) throw new Error(`${o.file}: no check for ${o.apiVersion} ${o.kind}: add one before using it`);
  return schema;
}

const objects = loadExampleObjects();
const key = (o: { kind: string; namespace?: string | undefined; name: string }) =>
  `${o.kind}/${o.namespace ?? ""}/${o.name}`;

function parsed<T>(example: string, kind: string): Array<T & { file: string }> {
  return objects
    .filter((o) => o.example === example && o.kind === kind)
    .map((o) => ({ ...(schemaFor(o).parse(o.raw) as T), file: o.file }));
}

function exampleNames(): string[] {
  return [...new Set(objects.map((o) => o.example))];
}

function matchesLabels(
  selector: Record<string, string> | undefined,
  labels: Record<string, string>,
): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

function namespaceLabels(example: string, name: string): Record<string, string> | undefined {
  const ns = objects.find((o) => o.example === example && o.kind === "Namespace" && o.name === name);
  if (!ns) return undefined;
  return ((ns.raw.metadata as { labels?: Record<string, string> }).labels ?? {}) as Record<string, string>;
}

describe("examples/", () => {
  it("has the examples issue 15 asks for, each with objects", () => {
    expect(exampleNames().sort()).toEqual(
      ["budgets", "bedrock-irsa", "external-secrets", "multi-provider-fallback", "team-onboarding"].sort(),
    );
  });

  it.each(objects.map((o) => [`${o.file}: ${o.kind} ${o.name}`, o] as const))("%s is valid", (_, o) => {
    const result = schemaFor(o).safeParse(o.raw);
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it("names every object once across all examples, so they can be applied together", () => {
    const seen = new Map<string, string>();
    for (const o of objects) {
      const k = key(o);
      expect(seen.get(k), `${k} in ${o.file}`).toBeUndefined();
      seen.set(k, o.file);
    }
  });

  it.each(exampleNames())("%s: every namespace it uses is one of its Namespace objects", (example) => {
    for (const o of objects.filter((x) => x.example === example && x.namespace !== undefined)) {
      expect(
        namespaceLabels(example, o.namespace ?? ""),
        `${o.file}: Namespace ${o.namespace}`,
      ).toBeDefined();
    }
  });

  it.each(exampleNames())("%s: Policy targets and RelayKey policies resolve, and are granted", (example) => {
    const providerKeys = parsed<ProviderKey>(example, "ProviderKey");
    for (const policy of parsed<Policy>(example, "Policy")) {
      const ns = policy.metadata.namespace;
      for (const [r, route] of policy.spec.routes.entries()) {
        for (const [t, target] of route.targets.entries()) {
          const where = `${policy.file}: spec.routes[${r}].targets[${t}]`;
          const pkNs = target.providerKeyRef.namespace ?? ns;
          const pk = providerKeys.find(
            (p) => p.metadata.name === target.providerKeyRef.name && p.metadata.namespace === pkNs,
          );
          expect(pk, `${where}: ProviderKey ${pkNs}/${target.providerKeyRef.name}`).toBeDefined();
          if (pk && pkNs !== ns) {
            // Only matchLabels here: it is what the examples grant with.
            const selector = pk.spec.allowedNamespaces?.matchLabels;
            expect(selector, `${where}: ${pkNs}/${pk.metadata.name} grants no other namespace`).toBeDefined();
            expect(
              matchesLabels(selector, namespaceLabels(example, ns) ?? {}),
              `${where}: not granted to ${ns}`,
            ).toBe(true);
          }
        }
      }
    }
    const policies = parsed<Policy>(example, "Policy");
    for (const rk of parsed<RelayKey>(example, "RelayKey")) {
      const found = policies.some(
        (p) => p.metadata.name === rk.spec.policyRef.name && p.metadata.namespace === rk.metadata.namespace,
      );
      expect(found, `${rk.file}: RelayKey ${rk.metadata.name} names Policy ${rk.spec.policyRef.name}`).toBe(
        true,
      );
    }
  });

  it.each(exampleNames())("%s: annotated Deployments are injected and name a RelayKey there", (example) => {
    const relayKeys = parsed<RelayKey>(example, "RelayKey");
    for (const d of parsed<Deployment>(example, "Deployment")) {
      const annotations = d.spec.template.metadata.annotations ?? {};
      const ns = d.metadata.namespace as string;
      const injected =
        annotations[ANNOTATION_INJECT] === "true" ||
        namespaceLabels(example, ns)?.[LABEL_INJECT] === "enabled";
      expect(injected, `${d.file}: neither the Pod nor namespace ${ns} asks for injection`).toBe(true);
      const name = annotations[ANNOTATION_RELAY_KEY];
      expect(
        relayKeys.some((rk) => rk.metadata.name === name && rk.metadata.namespace === ns),
        `${d.file}: RelayKey ${name}`,
      ).toBe(true);
    }
  });

  it("external-secrets: an ExternalSecret fills every ProviderKey's Secret, from a store that exists", () => {
    const stores = objects.filter((o) => o.kind === "SecretStore" || o.kind === "ClusterSecretStore");
    const externalSecrets = parsed<ExternalSecret>("external-secrets", "ExternalSecret");
    for (const es of externalSecrets) {
      const ref = es.spec.secretStoreRef;
      const store = stores.find(
        (s) =>
          s.kind === ref.kind &&
          s.name === ref.name &&
          (ref.kind === "ClusterSecretStore" || s.namespace === es.metadata.namespace),
      );
      expect(store, `${es.file}: ${ref.kind} ${ref.name}`).toBeDefined();
    }
    const providerKeys = parsed<ProviderKey>("external-secrets", "ProviderKey");
    expect(providerKeys.length).toBeGreaterThanOrEqual(3);
    for (const pk of providerKeys) {
      const ref = pk.spec.credentials.secretKeyRef;
      const filled = externalSecrets.some(
        (es) =>
          es.metadata.namespace === pk.metadata.namespace &&
          es.spec.target.name === ref?.name &&
          es.spec.data.some((d) => d.secretKey === ref?.key),
      );
      expect(filled, `${pk.file}: ProviderKey ${pk.metadata.name}'s Secret ${ref?.name}/${ref?.key}`).toBe(
        true,
      );
    }
  });

  it("keeps manifests in each example's own folder, where kubectl apply -f <folder> reads them", () => {
    for (const file of exampleYamlFiles()) {
      const depth = file.split("/").length;
      if (file.endsWith(HELM_VALUES_FILE)) expect(depth, `${file}: kubectl would read it`).toBeGreaterThan(2);
      else expect(depth, `${file}: kubectl apply -f <example>/ would skip it`).toBe(2);
    }
  });

  it("helm values files only set values the chart has", () => {
    const chart: unknown = parse(
      readFileSync(join(examplesDir, "..", "charts", "kuberelay", "values.yaml"), "utf8"),
    );
    const files = exampleYamlFiles().filter((f) => f.endsWith(HELM_VALUES_FILE));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const values: unknown = parse(readFileSync(join(examplesDir, file), "utf8"));
      expect(unknownValuePaths(values, chart, ""), file).toEqual([]);
    }
  });
});

/** Paths set in `values` that the chart's values.yaml does not have; under a `{}` anything goes. */
function unknownValuePaths(values: unknown, chart: unknown, path: string): string[] {
  if (typeof values !== "object" || values === null || Array.isArray(values)) return [];
  if (typeof chart !== "object" || chart === null || Array.isArray(chart)) return [path];
  const chartMap = chart as Record<string, unknown>;
  if (Object.keys(chartMap).length === 0) return [];
  return Object.entries(values).flatMap(([k, v]) =>
    k in chartMap ? unknownValuePaths(v, chartMap[k], `${path}.${k}`) : [`${path}.${k}`],
  );
}
