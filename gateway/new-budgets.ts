import type { Snapshot } from "./snapshot.js";

/**
 * Each budget a config sets, as `<owner>:<period>`. A store records spend only where a budget
 * counts it, so a budget that appears (or gains a period) starts from nothing: the gateway then
 * raises it to the ledger's spend, as at start.
 */
export function budgetsOf(snapshot: Snapshot): Set<string> {
  const budgets = new Set<string>();
  const add = (owner: string, budget: { usdPerDay?: number; usdPerMonth?: number } | undefined) => {
    if (budget?.usdPerDay !== undefined) budgets.add(`${owner}:day`);
    if (budget?.usdPerMonth !== undefined) budgets.add(`${owner}:month`);
  };
  for (const [id, policy] of snapshot.policies) add(`policy:${id}`, policy.budget);
  for (const [id, provider] of snapshot.providers) add(`provider:${id}`, provider.perNamespace?.budget);
  return budgets;
}

/**
 * Calls `onNew` when a config sets a budget the one before did not; the first config is the
 * start's, whose floor the limiter applies itself.
 */
export function watchNewBudgets(onNew: () => void): (next: Snapshot) => void {
  let known: Set<string> | undefined;
  return (next) => {
    const budgets = budgetsOf(next);
    const grew = known !== undefined && [...budgets].some((b) => !known?.has(b));
    known = budgets;
    if (grew) onNew();
  };
}
