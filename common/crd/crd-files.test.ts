import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { GENERATED_HEADER, renderCrdFiles } from "./crd-files.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("generated CRD files", () => {
  const files = renderCrdFiles();

  it.each([...files.keys()])("%s is up to date (npm run crds)", (rel) => {
    const onDisk = readFileSync(join(root, rel), "utf8");
    expect(onDisk, `${rel} is stale: run npm run crds`).toBe(files.get(rel));
  });

  it("carries the generated-file header and the kuberelay category", () => {
    for (const [rel, content] of files) {
      if (!rel.endsWith(".yaml") || !rel.includes("crds/")) continue;
      expect(content.startsWith(GENERATED_HEADER)).toBe(true);
      const crd = parse(content);
      expect(crd.spec.names.categories).toEqual(["kuberelay"]);
      expect(crd.spec.versions[0].subresources).toEqual({ status: {} });
    }
  });
});
