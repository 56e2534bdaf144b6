import { z } from "zod";

export type JsonSchema = { [key: string]: unknown };

const SAFE = Number.MAX_SAFE_INTEGER;

/** Keywords a Kubernetes structural schema cannot hold without a type at every level. */
const forbidden = ["$ref", "anyOf", "oneOf", "allOf", "not", "nullable", "const"];

function isObject(v: unknown): v is JsonSchema {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Rewrites zod's OpenAPI 3.0 output into what the API server accepts as a structural schema:
 * zod's safe-integer bounds, its date-time regex (Kubernetes checks the format itself) and
 * `additionalProperties: false` (structural schemas prune unknown fields instead) are dropped.
 */
function dropped(node: JsonSchema, key: string, value: unknown): boolean {
  return (
    key === "$schema" ||
    (key === "additionalProperties" && value === false) ||
    (key === "maximum" && value === SAFE) ||
    (key === "minimum" && value === -SAFE) ||
    (key === "pattern" && node.format === "date-time")
  );
}

function clean(node: JsonSchema, path: string): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (forbidden.includes(key)) throw new Error(`${path}: "${key}" is not allowed in a structural schema`);
    if (dropped(node, key, value)) continue;
    if (key === "properties" && isObject(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, child]) => [name, clean(child as JsonSchema, `${path}.${name}`)]),
      );
      continue;
    }
    if ((key === "items" || key === "additionalProperties") && isObject(value)) {
      out[key] = clean(value, `${path}[]`);
      continue;
    }
    out[key] = value;
  }
  if (typeof out.type !== "string")
    throw new Error(`${path}: every level of a structural schema needs a type`);
  return out;
}

export function toStructuralSchema(schema: z.ZodType, path = "$"): JsonSchema {
  const raw = z.toJSONSchema(schema, { target: "openapi-3.0", io: "input", unrepresentable: "throw" });
  return clean(raw as JsonSchema, path);
}
