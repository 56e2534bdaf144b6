import { mkdir, symlink, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { StandaloneConfigError } from "./config-error.js";
import { isConfigFileName, parseConfigText, readConfigDir } from "./read-config-dir.js";
import { tempConfigDir } from "./testing/config-fixture.js";

describe("isConfigFileName", () => {
  it("takes yaml, yml and json, and skips dot files", () => {
    expect(["a.yaml", "b.yml", "c.json", "D.YAML"].every(isConfigFileName)).toBe(true);
    expect([".#a.yaml", "..data", "a.yaml.swp", "README.md", "a.yaml~"].some(isConfigFileName)).toBe(false);
  });
});

describe("parseConfigText", () => {
  it("splits multi-document YAML, skipping empty documents, and numbers them", () => {
    const docs = parseConfigText("a.yaml", "kind: A\n---\n---\nkind: B\n");
    expect(docs).toEqual([
      { file: "a.yaml", document: 1, object: { kind: "A" } },
      { file: "a.yaml", document: 3, object: { kind: "B" } },
    ]);
  });

  it("reads YAML as 1.1, as kubectl does", () => {
    expect(parseConfigText("a.yaml", "mode: off\n")[0]?.object).toEqual({ mode: false });
  });

  it("reads JSON", () => {
    expect(parseConfigText("a.json", '{"kind": "A", "n": 1}')[0]?.object).toEqual({ kind: "A", n: 1 });
  });

  it("reports a syntax error by position only, never quoting the line", () => {
    const secret = "sk-live-do-not-print";
    try {
      parseConfigText("s.yaml", `stringData:\n  apiKey: [${secret}\n`);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(StandaloneConfigError);
      expect(String(err)).toMatch(
        /^StandaloneConfigError: s\.yaml: YAML syntax error at line \d+, column \d+/,
      );
      expect(String(err)).not.toContain(secret);
    }
    expect(() => parseConfigText("d.yaml", "a: 1\na: 2\n")).toThrow(/DUPLICATE_KEY/);
    expect(() => parseConfigText("j.json", `{"k": "${secret}" "x"}`)).toThrow(/j\.json: JSON syntax error/);
  });
});

describe("parseConfigText, hostile input", () => {
  it("refuses YAML whose aliases would expand without bound", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (const [prev, name] of [
      ["a", "b"],
      ["b", "c"],
      ["c", "d"],
      ["d", "e"],
    ]) {
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    }
    expect(() => parseConfigText("bomb.yaml", levels.join("\n"))).toThrow(
      /bomb\.yaml: YAML aliases expand too far/,
    );
  });
});

describe("readConfigDir", () => {
  it("reads config files in name order, following symlinks, ignoring the rest", async () => {
    const { dir, cleanup } = await tempConfigDir({
      "b.yaml": "kind: B\n",
      "a.json": '{"kind":"A"}',
      "notes.txt": "x",
    });
    try {
      await mkdir(join(dir, "sub.yaml"));
      await writeFile(join(dir, "sub.yaml", "c.yaml"), "kind: C\n");
      await symlink(join(dir, "b.yaml"), join(dir, "link.yml"));
      const { files, documents } = await readConfigDir(dir);
      expect(files).toEqual(["a.json", "b.yaml", "link.yml"]);
      expect(documents.map((d) => d.object)).toEqual([{ kind: "A" }, { kind: "B" }, { kind: "B" }]);
    } finally {
      await cleanup();
    }
  });

  it("refuses a directory with no config files, and one that does not exist", async () => {
    const { dir, cleanup } = await tempConfigDir({ "notes.txt": "x" });
    try {
      await expect(readConfigDir(dir)).rejects.toThrow(/holds no \*\.yaml, \*\.yml or \*\.json files/);
      await expect(readConfigDir(join(dir, "nope"))).rejects.toThrow(
        /cannot read the config directory \(ENOENT\)/,
      );
    } finally {
      await cleanup();
    }
  });

  it("reports the syntax errors of every file at once", async () => {
    const { dir, cleanup } = await tempConfigDir({
      "a.yaml": "a: [\n",
      "b.yaml": "b: {\n",
      "c.yaml": "kind: C\n",
    });
    try {
      const err = await readConfigDir(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StandaloneConfigError);
      expect(err instanceof StandaloneConfigError ? err.problems.map((p) => basename(p.file)) : []).toEqual([
        "a.yaml",
        "b.yaml",
      ]);
    } finally {
      await cleanup();
    }
  });
});
