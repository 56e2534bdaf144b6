/**
 * How deeply a request body may nest. Real requests stay within a dozen levels (messages,
 * content parts, a tool's JSON schema); JSON.parse accepts 100,000 levels, but re-serialising
 * such a body overflows the stack, so it is refused before anything works on it.
 */
export const MAX_JSON_DEPTH = 128;

/** Whether a parsed JSON value nests deeper than `max`, walked without recursion. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const [node, depth] = item;
    if (node === null || typeof node !== "object") continue;
    if (depth > max) return true;
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children)
      if (child !== null && typeof child === "object") pending.push([child, depth + 1]);
  }
  return false;
}
