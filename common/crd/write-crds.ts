/**
 * `npm run crds` writes the generated CRDs, the chart's RBAC, values schema and values table;
 * `npm run crds -- --check` exits 1 when a committed file differs from what the sources produce.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderChartValuesFiles } from "../generate/chart-values-files.js";
import { renderCrdFiles } from "./crd-files.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const check = process.argv.includes("--check");
let stale = 0;
for (const [rel, content] of [...renderCrdFiles(), ...renderChartValuesFiles(root)]) {
  const path = join(root, rel);
  const current = existsSync(path) ? readFileSync(path, "utf8") : undefined;
  if (current === content) continue;
  if (check) {
    stale++;
    console.error(`stale: ${rel} (run npm run crds)`);
    continue;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  console.log(`wrote ${rel}`);
}
process.exitCode = stale > 0 ? 1 : 0;
