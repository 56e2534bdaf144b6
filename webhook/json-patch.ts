import { isDeepStrictEqual } from "node:util";
import { toPointer } from "./json-pointer.js";
import { isRecord, isUnknownArray } from "./type-guards.js";

/** The only JSON Patch (RFC 6902) operation the webhook emits: it adds and never takes away. */
export interface AddOperation {
  op: "add";
  path: string;
  value: unknown;
}

/** The mutated copy lost or changed something an `add` cannot express: a bug in the mutation, not bad input. */
export class NonAdditiveChangeError extends Error {
  override readonly name = "NonAdditiveChangeError";
  constructor(readonly path: string) {
    super(`mutation is not additive at "${path || "/"}"`);
  }
}

type Segments = readonly (string | number)[];

/**
 * Diffs the original raw object against a mutated copy of it and returns `add` operations only.
 * Diffing, rather than recording edits, guarantees the patch describes exactly what changed.
 */
export function diffAdditions(original: unknown, mutated: unknown): AddOperation[] {
  const out: AddOperation[] = [];
  diffValue(original, mutated, [], out);
  return out;
}

function diffValue(before: unknown, after: unknown, path: Segments, out: AddOperation[]): void {
  if (isDeepStrictEqual(before, after)) return;
  if (isUnknownArray(before) && isUnknownArray(after)) {
    diffArray(before, after, path, out);
    return;
  }
  if (isRecord(before) && isRecord(after)) {
    diffObject(before, after, path, out);
    return;
  }
  throw new NonAdditiveChangeError(toPointer(path));
}

function diffObject(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  path: Segments,
  out: AddOperation[],
): void {
  for (const key of Object.keys(before)) {
    if (!Object.hasOwn(after, key)) throw new NonAdditiveChangeError(toPointer([...path, key]));
  }
  for (const [key, value] of Object.entries(after)) {
    const memberPath = [...path, key];
    if (!Object.hasOwn(before, key)) {
      out.push({ op: "add", path: toPointer(memberPath), value });
      continue;
    }
    const old = before[key];
    if (sameContainerKind(old, value)) {
      diffValue(old, value, memberPath, out);
    } else if (!isDeepStrictEqual(old, value)) {
      // RFC 6902 §4.1: `add` on an existing object member replaces its value.
      out.push({ op: "add", path: toPointer(memberPath), value });
    }
  }
}

function diffArray(before: unknown[], after: unknown[], path: Segments, out: AddOperation[]): void {
  if (after.length < before.length) throw new NonAdditiveChangeError(toPointer(path));
  before.forEach((value, index) => {
    diffValue(value, after[index], [...path, index], out);
  });
  for (const value of after.slice(before.length)) {
    out.push({ op: "add", path: toPointer([...path, "-"]), value });
  }
}

function sameContainerKind(a: unknown, b: unknown): boolean {
  return (isRecord(a) && isRecord(b)) || (isUnknownArray(a) && isUnknownArray(b));
}
