/**
 * Every object in the examples/ folder, read the way `kubectl apply -f` would: each YAML
 * document of each file. Shared by the unit test that validates them and the e2e test that
 * applies them to a real API server.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

export const examplesDir = dirname(fileURLToPath(import.meta.url));

/** Helm values files, not manifests: `helm install -f` reads them. They sit in a subfolder. */
export const HELM_VALUES_FILE = "helm-values.yaml";

export interface ExampleObject {
  /** The file, relative to examples/ (e.g. team-onboarding/20-policy.yaml). */
  file: string;
  /** The example, its top-level folder. */
  example: string;
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string | undefined;
  raw: Record<string, unknown>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Every .yaml / .yml file under examples/, relative to it, sorted. */
export function exampleYamlFiles(): string[] {
  return walk(examplesDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => relative(examplesDir, f));
}

/** One YAML document as an object, or an error naming where it is. */
function toExampleObject(file: string, index: number, raw: unknown): ExampleObject {
  const where = `${file}: document ${index + 1}`;
  if (!isRecord(raw) || !isRecord(raw.metadata)) throw new Error(`${where} is no object`);
  const { apiVersion, kind } = raw;
  const { name, namespace } = raw.metadata;
  if (typeof apiVersion !== "string" || typeof kind !== "string" || typeof name !== "string")
    throw new Error(`${where} lacks apiVersion, kind or metadata.name`);
  return {
    file,
    example: file.split("/")[0] ?? file,
    apiVersion,
    kind,
    name,
    namespace: typeof namespace === "string" ? namespace : undefined,
    raw,
  };
}

/** The manifests' objects, in file order; throws on YAML errors or a document that is no object. */
export function loadExampleObjects(): ExampleObject[] {
  const objects: ExampleObject[] = [];
  for (const file of exampleYamlFiles()) {
    // `kubectl apply -f examples/<example>/` reads only the folder's own files.
    if (file.split("/").length !== 2 || file.endsWith(HELM_VALUES_FILE)) continue;
    const docs = parseAllDocuments(readFileSync(join(examplesDir, file), "utf8"));
    for (const [i, doc] of docs.entries()) {
      if (doc.errors.length > 0) throw new Error(`${file}: document ${i + 1}: ${doc.errors[0]?.message}`);
      const raw: unknown = doc.toJS();
      if (raw !== null) objects.push(toExampleObject(file, i, raw));
    }
  }
  return objects;
}
