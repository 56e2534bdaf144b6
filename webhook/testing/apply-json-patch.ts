import { unescapePointerToken } from "../json-pointer.js";
import { isRecord, isUnknownArray } from "../type-guards.js";

/**
 * Applies `add` operations the way the API server does, so tests check a patch by its effect rather than
 * by its exact shape. Test support only: production code never applies patches.
 */
export function applyJsonPatch(document: unknown, operations: unknown): unknown {
  if (!isUnknownArray(operations)) throw new Error("patch is not an array");
  const result = structuredClone(document);
  for (const operation of operations) applyAdd(result, operation);
  return result;
}

function applyAdd(document: unknown, operation: unknown): void {
  if (!isRecord(operation) || operation.op !== "add" || typeof operation.path !== "string") {
    throw new Error(`unsupported operation ${JSON.stringify(operation)}`);
  }
  const path = operation.path;
  const tokens = path.split("/").slice(1).map(unescapePointerToken);
  const last = tokens.pop();
  if (last === undefined) throw new Error("cannot add at the document root");
  const parent = tokens.reduce<unknown>((node, token) => child(node, token, path), document);
  const value = structuredClone(operation.value);
  if (isUnknownArray(parent)) {
    const index = last === "-" ? parent.length : Number(last);
    if (!Number.isInteger(index) || index > parent.length) throw new Error(`bad index in ${path}`);
    parent.splice(index, 0, value);
  } else if (isRecord(parent)) {
    parent[last] = value;
  } else {
    throw new Error(`no container at ${path}`);
  }
}

function child(node: unknown, token: string, path: string): unknown {
  if (isUnknownArray(node)) return node[Number(token)];
  if (isRecord(node) && Object.hasOwn(node, token)) return node[token];
  throw new Error(`path ${path} does not exist`);
}
