import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { type Document, parseAllDocuments } from "yaml";
import { StandaloneConfigError } from "./config-error.js";
import type { ConfigProblem } from "./config-problem.js";

/** One parsed document and where it came from, for error messages. */
export interface ConfigDocument {
  /** The file's path: the config directory joined with its name. */
  file: string;
  /** The document's number (1-based) when the file holds several. */
  document?: number;
  object: unknown;
}

/**
 * Dot files are skipped: editors' lock files (`.#a.yaml`) and the `..data` links of a
 * mounted ConfigMap or Secret would otherwise be read twice or half-written.
 */
export function isConfigFileName(name: string): boolean {
  return !name.startsWith(".") && /\.(ya?ml|json)$/i.test(name);
}

/** The config files directly in `dir`, sorted; symlinks are followed (mounted volumes use them). */
export async function listConfigFiles(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter(isConfigFileName).sort();
  const files: string[] = [];
  for (const name of names) {
    const info = await stat(join(dir, name)).catch(() => undefined);
    if (info?.isFile()) files.push(name);
  }
  return files;
}

/**
 * Parses one file's text. YAML is read as 1.1, like kubectl does, so a file means the same
 * here as when applied to a cluster; JSON, a subset of YAML 1.2, as 1.2. Syntax errors are
 * reported by position only: the library's own message quotes the offending line, which
 * may hold a Secret's value.
 */
export function parseConfigText(file: string, text: string): ConfigDocument[] {
  const json = file.toLowerCase().endsWith(".json");
  const docs: readonly Document.Parsed[] = parseAllDocuments(text, { version: json ? "1.2" : "1.1" });
  const problems: ConfigProblem[] = [];
  const out: ConfigDocument[] = [];
  docs.forEach((doc, i) => {
    const source = { file, ...(docs.length > 1 ? { document: i + 1 } : {}) };
    const error = doc.errors[0];
    if (error) {
      const at = error.linePos?.[0];
      const where = at ? ` at line ${at.line}, column ${at.col}` : "";
      const message = `${json ? "JSON" : "YAML"} syntax error${where} (${error.code})`;
      problems.push({ ...source, reason: "SyntaxError", message });
      return;
    }
    const object = toObject(doc);
    if (object instanceof Error) problems.push({ ...source, reason: "SyntaxError", message: object.message });
    else if (object !== null && object !== undefined) out.push({ ...source, object });
  });
  if (problems.length > 0) throw new StandaloneConfigError(problems);
  return out;
}

/** Alias expansion is bounded ("billion laughs"); going over it is the file's fault, not a crash. */
function toObject(doc: Document.Parsed): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch {
    return new Error("YAML aliases expand too far (more than 100)");
  }
}

/** Every document of every config file in `dir`; all syntax errors are reported together. */
export async function readConfigDir(dir: string): Promise<{ files: string[]; documents: ConfigDocument[] }> {
  const files = await listConfigFiles(dir).catch((err: unknown) => {
    const code = err instanceof Error && "code" in err ? ` (${String(err.code)})` : "";
    const message = `cannot read the config directory${code}`;
    throw new StandaloneConfigError([{ file: dir, reason: "DirectoryUnreadable", message }]);
  });
  if (files.length === 0) {
    const message = "holds no *.yaml, *.yml or *.json files";
    throw new StandaloneConfigError([{ file: dir, reason: "NoConfigFiles", message }]);
  }
  const problems: ConfigProblem[] = [];
  const documents: ConfigDocument[] = [];
  for (const file of files) {
    try {
      const path = join(dir, file);
      documents.push(...parseConfigText(path, await readFile(path, "utf8")));
    } catch (err) {
      if (!(err instanceof StandaloneConfigError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length > 0) throw new StandaloneConfigError(problems);
  return { files, documents };
}
