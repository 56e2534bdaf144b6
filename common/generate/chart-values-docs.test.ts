import { describe, expect, it } from "vitest";
import { documentedValues, helmDocsDescription } from "./chart-values-docs.js";

describe("helmDocsDescription", () => {
  it("takes the last `-- ` line and the lines after it, joined", () => {
    expect(helmDocsDescription(" File header.\n\n -- First line\n second line.")).toBe(
      "First line second line.",
    );
  });

  it("stops at a blank comment line, and finds nothing without a `-- ` line", () => {
    expect(helmDocsDescription(" -- Described.\n\n About something else.")).toBe("Described.");
    expect(helmDocsDescription(" Just a note.")).toBeUndefined();
    expect(helmDocsDescription(undefined)).toBeUndefined();
  });
});

describe("documentedValues", () => {
  it("reads a documented map as one row and an undocumented one key by key", () => {
    const rows = documentedValues(
      [
        "# -- Whole object.",
        "resources:",
        "  requests:",
        "    cpu: 10m",
        "gateway:",
        "  # -- First key: the yaml package gives this comment to the map.",
        "  port: 8787",
        "  # -- A list.",
        "  extraArgs: []",
        "  # -- A ratio.",
        "  ratio: 0.5",
      ].join("\n"),
    );
    expect(rows).toEqual([
      {
        path: "resources",
        type: "object",
        defaultJson: '{"requests":{"cpu":"10m"}}',
        description: "Whole object.",
      },
      {
        path: "gateway.port",
        type: "int",
        defaultJson: "8787",
        description: "First key: the yaml package gives this comment to the map.",
      },
      { path: "gateway.extraArgs", type: "list", defaultJson: "[]", description: "A list." },
      { path: "gateway.ratio", type: "float", defaultJson: "0.5", description: "A ratio." },
    ]);
  });

  it("names every undocumented value", () => {
    expect(() => documentedValues("a:\n  b: 1\n  # plain comment\n  c: {}\n")).toThrow(
      'no "# -- " comment above a.b, a.c',
    );
  });

  it("refuses YAML it cannot read", () => {
    expect(() => documentedValues("a: [1\n")).toThrow(/values\.yaml/);
  });
});
