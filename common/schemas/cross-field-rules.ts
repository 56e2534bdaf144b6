import type { z } from "zod";

/**
 * One cross-field rule, said twice: as CEL for the API server (`x-kubernetes-validations`)
 * and as a predicate for zod, which is all there is in standalone mode and for objects stored
 * before the rule existed. Keeping both in one place keeps them saying the same thing.
 */
export interface CrossFieldRule<T> {
  /** CEL over `self`, the object the rule is attached to. */
  rule: string;
  /** Shown verbatim by both the API server and zod. */
  message: string;
  holds(value: T): boolean;
}

/** Attaches the rules to an object schema, as CEL in the generated CRD and as zod refinements. */
export function withCrossFieldRules<S extends z.ZodType<object>>(
  schema: S,
  rules: ReadonlyArray<CrossFieldRule<z.output<S>>>,
): S {
  return schema
    .superRefine((value, ctx) => {
      for (const r of rules) if (!r.holds(value)) ctx.addIssue({ code: "custom", message: r.message });
    })
    .meta({ "x-kubernetes-validations": rules.map(({ rule, message }) => ({ rule, message })) });
}
