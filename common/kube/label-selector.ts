import type { LabelSelector } from "../schemas/shared-types.js";

/** Kubernetes label-selector semantics (an empty selector matches everything). */
export function matchesLabelSelector(
  selector: LabelSelector,
  labels: Readonly<Record<string, string>>,
): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  return (selector.matchExpressions ?? []).every((req) => matchesRequirement(req, labels[req.key]));
}

type Requirement = NonNullable<LabelSelector["matchExpressions"]>[number];

function matchesRequirement(req: Requirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case "In":
      return value !== undefined && values.includes(value);
    case "NotIn":
      return value === undefined || !values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
  }
}
