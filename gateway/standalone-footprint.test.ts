/**
 * A gateway loads only what its mode uses. A standalone gateway (--config-dir) never talks to
 * the API server or to KMS, so the Kubernetes client and the KMS SDK (tens of MiB of heap
 * between them) must not be in its static import graph: they are imported when the cluster
 * mode starts (gateway/command.ts). The graph is read as tsc emits it, so type-only imports,
 * which load nothing, do not count.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

/** The specifiers a module loads when it is evaluated: its static imports and re-exports. */
function staticSpecifiers(file: string): string[] {
  const { outputText } = ts.transpileModule(readFileSync(file, "utf8"), {
    fileName: file,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
      removeComments: true,
    },
  });
  return [...outputText.matchAll(/^\s*(?:import|export)\s+(?:[^'"]*?\s+from\s+)?["']([^"']+)["']/gm)].map(
    (m) => m[1] ?? "",
  );
}

/** The packages reached from the entry files through static imports, by package name. */
function packagesReached(entries: string[]): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const queue = entries.map((e) => join(root, e));
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of staticSpecifiers(file)) {
      if (spec.endsWith(".json")) continue; // data (the price table), which imports nothing
      if (spec.startsWith(".")) queue.push(join(dirname(file), spec.replace(/\.js$/, ".ts")));
      else if (!spec.startsWith("node:"))
        packages.add(
          spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : (spec.split("/")[0] ?? spec),
        );
    }
  }
  return packages;
}

const clusterOnly = ["@kubernetes/client-node", "@aws-sdk/client-kms"];

describe("what a standalone gateway loads", () => {
  it("reaches neither the Kubernetes client nor the KMS SDK from the CLI and the gateway command", () => {
    const reached = packagesReached(["cli/main.ts", "gateway/command.ts"]);
    expect([...reached].filter((p) => clusterOnly.includes(p))).toEqual([]);
    // The walk does see the packages the request path needs.
    expect(reached).toContain("undici");
  });

  it("does reach them from the cluster config source (the walk can see them)", () => {
    const reached = packagesReached(["gateway/config-source.ts", "common/crypto/process-key-ring.ts"]);
    expect(clusterOnly.filter((p) => reached.has(p))).toEqual(clusterOnly);
  });

  it("counts a value import and ignores a type-only one", () => {
    expect(staticSpecifiers(join(root, "gateway/command.ts"))).not.toContain(
      "./pipeline/handle-inference.js",
    );
    expect(staticSpecifiers(join(root, "gateway/command.ts"))).toContain("./app.js");
  });
});
