/**
 * The chart's values as documented in values.yaml, helm-docs style: a `# -- ` comment above a
 * key describes it (continued by the comment lines after it). A documented key is one row, its
 * default the whole value; an undocumented map is read key by key; an undocumented leaf is an
 * error, so every value the chart takes is explained somewhere.
 */
import { isMap, isNode, isScalar, parseDocument, type YAMLMap } from "yaml";

export interface ValueDoc {
  /** Dotted path, as `--set` takes it: "gateway.ledger.retentionMonths". */
  path: string;
  type: "string" | "int" | "float" | "bool" | "list" | "object" | "null";
  /** The default, as JSON. */
  defaultJson: string;
  description: string;
}

const MARK = "-- ";

/** The text after the last `-- ` line of a comment block, joined into one paragraph. */
export function helmDocsDescription(comment: string | null | undefined): string | undefined {
  if (!comment) return undefined;
  const lines = comment.split("\n").map((l) => (l.startsWith(" ") ? l.slice(1) : l));
  let start = -1;
  lines.forEach((l, i) => {
    if (l.startsWith(MARK)) start = i;
  });
  if (start < 0) return undefined;
  const first = lines[start]?.slice(MARK.length) ?? "";
  // A blank comment line ends the description: what follows is about something else.
  const rest: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (l.trim() === "") break;
    rest.push(l.trim());
  }
  return [first.trim(), ...rest].join(" ").trim();
}

function typeOf(value: unknown): ValueDoc["type"] {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (typeof value === "object") return "object";
  return "string";
}

/** Every documented value of a values.yaml, in file order; throws naming undocumented leaves. */
export function documentedValues(valuesYaml: string): ValueDoc[] {
  const doc = parseDocument(valuesYaml);
  if (doc.errors.length > 0) throw new Error(`values.yaml: ${doc.errors[0]?.message}`);
  const rows: ValueDoc[] = [];
  const undocumented: string[] = [];
  const walk = (map: YAMLMap, prefix: string) => {
    map.items.forEach((pair, i) => {
      if (!isScalar(pair.key))
        throw new Error(`values.yaml: a key under ${prefix || "the top"} is not a scalar`);
      const path = `${prefix}${String(pair.key.value)}`;
      // The yaml package gives the comment above a map's first key to the map itself.
      const comment = pair.key.commentBefore ?? (i === 0 ? map.commentBefore : undefined);
      const description = helmDocsDescription(comment);
      const value = pair.value;
      if (description === undefined && isMap(value) && value.items.length > 0) {
        walk(value, `${path}.`);
        return;
      }
      const json: unknown = isNode(value) ? value.toJSON() : null;
      if (description === undefined) undocumented.push(path);
      rows.push({
        path,
        type: typeOf(json),
        defaultJson: JSON.stringify(json),
        description: description ?? "",
      });
    });
  };
  if (!isMap(doc.contents)) throw new Error("values.yaml: the top level is not a map");
  walk(doc.contents, "");
  if (undocumented.length > 0) {
    throw new Error(`values.yaml: no "# -- " comment above ${undocumented.join(", ")}`);
  }
  return rows;
}
