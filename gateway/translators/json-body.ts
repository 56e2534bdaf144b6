/** Small readers for upstream JSON, which is data we did not write: never trust its shape. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function objectAt(v: unknown, key: string): Record<string, unknown> | undefined {
  if (!v || typeof v !== "object") return undefined;
  const child = (v as Record<string, unknown>)[key];
  return child && typeof child === "object" && !Array.isArray(child)
    ? (child as Record<string, unknown>)
    : undefined;
}

export function numberAt(v: unknown, key: string): number | undefined {
  if (!v || typeof v !== "object") return undefined;
  const n = (v as Record<string, unknown>)[key];
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}
