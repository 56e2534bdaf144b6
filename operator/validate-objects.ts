import type { KubernetesObject } from "@kubernetes/client-node";
import type { z } from "zod";
import type { ConditionInput } from "../common/conditions.js";

export interface Validated<T> {
  valid: T[];
  /** Objects the schema refused: their raw form and why, for an Accepted=False condition. */
  invalid: Array<{ obj: KubernetesObject; message: string }>;
}

/**
 * Validates cached custom objects at the edge. The API server already checked the CRD
 * schema; this catches what it cannot (objects stored under an older schema) so that
 * nothing malformed reaches the compiler.
 */
export function validateObjects<S extends z.ZodType>(
  objects: readonly KubernetesObject[],
  schema: S,
): Validated<z.infer<S>> {
  const out: Validated<z.infer<S>> = { valid: [], invalid: [] };
  for (const obj of objects) {
    if (obj.metadata?.deletionTimestamp) continue;
    const parsed = schema.safeParse(obj);
    if (parsed.success) {
      out.valid.push(parsed.data);
      continue;
    }
    const issue = parsed.error.issues[0];
    out.invalid.push({ obj, message: `${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}` });
  }
  return out;
}

export const accepted: ConditionInput = { type: "Accepted", status: "True", reason: "Valid", message: "" };

export function refused(message: string): ConditionInput[] {
  return [
    { type: "Accepted", status: "False", reason: "InvalidSpec", message },
    { type: "Ready", status: "False", reason: "InvalidSpec", message },
  ];
}
