/** Narrowing for raw JSON: the webhook reads API objects without a schema so no field is lost. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `Array.isArray` narrows `unknown` to `any[]`; this keeps the elements `unknown`. */
export function isUnknownArray(value: unknown): value is unknown[] {
  return Array.isArray(value);
}
