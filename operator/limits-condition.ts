import type { ConditionInput } from "../common/conditions.js";
import type { Limits } from "../common/schemas/shared-types.js";
import { parseBool } from "./leader-flags.js";

/**
 * Where the gateways count limits and budgets, as their deployment sets them up. The operator is
 * told (flags the chart sets from the same values as the gateways' environment); it never holds
 * the store's URL.
 */
export interface GatewayLimitCounting {
  /** The gateways share their counters in Redis (REDIS_URL). */
  shared: boolean;
  /** How many gateway replicas the deployment runs. */
  replicas: number;
}

export const gatewayLimitFlagOptions = {
  "gateway-shared-limits": { type: "string" },
  "gateway-replicas": { type: "string" },
} as const;

export const gatewayLimitFlagsUsage = `  --gateway-shared-limits BOOL  the gateways count limits and budgets in a shared Redis
  --gateway-replicas N     how many gateway replicas run (both: what Policies' and ProviderKeys'
                           LimitsShared condition judges; without them it is not written)`;

/** Both flags, or neither (a standalone operator): then no LimitsShared condition is written. */
export function parseGatewayLimitFlags(values: {
  "gateway-shared-limits"?: string | undefined;
  "gateway-replicas"?: string | undefined;
}): GatewayLimitCounting | undefined {
  const shared = values["gateway-shared-limits"];
  const replicas = values["gateway-replicas"];
  if (shared === undefined && replicas === undefined) return undefined;
  if (shared === undefined || replicas === undefined) {
    throw new Error("--gateway-shared-limits and --gateway-replicas go together");
  }
  if (!/^[0-9]{1,6}$/.test(replicas))
    throw new Error(`--gateway-replicas: expected a count, got "${replicas}"`);
  return { shared: parseBool("gateway-shared-limits", shared, false), replicas: Number(replicas) };
}

/** The limits a store counts: body size and output tokens apply to each request by itself. */
const COUNTED = ["requestsPerMinute", "tokensPerMinute", "requestsPerDay", "maxConcurrentRequests"] as const;

/** Whether an object's limits or budget need counting at all. */
export function countsAnything(limits: Partial<Limits> | undefined, budget: object | undefined): boolean {
  return COUNTED.some((name) => limits?.[name] !== undefined) || Object.keys(budget ?? {}).length > 0;
}

const condition = (ok: boolean, reason: string, message: string): ConditionInput => ({
  type: "LimitsShared",
  status: ok ? "True" : "False",
  reason,
  message,
});

/**
 * Whether what `what` counts (a Policy's limits and budget, a ProviderKey's per-namespace caps)
 * holds across the gateways: without a shared store each replica counts apart, so N replicas
 * admit up to N times as much. Said ahead of any request, so a team does not believe a budget
 * holds that does not.
 */
export function limitsSharedCondition(
  what: string,
  counted: boolean,
  gateways: GatewayLimitCounting,
): ConditionInput {
  if (!counted) return condition(true, "NothingCounted", `${what} sets no counted limit or budget`);
  if (gateways.shared) {
    return condition(
      true,
      "SharedStore",
      `${what} is counted once for all gateway replicas, in the shared store (Redis)`,
    );
  }
  if (gateways.replicas <= 1) {
    return condition(
      true,
      "SingleReplica",
      `${what} is counted in the memory of the one gateway replica; during a rollout the new replica counts apart until the old one stops (chart: gateway.limits.redisUrlSecret shares the counters)`,
    );
  }
  return condition(
    false,
    "PerReplica",
    `${what} is counted by each of the ${gateways.replicas} gateway replicas apart, with no shared store: up to ${gateways.replicas} times as much is admitted (chart: gateway.limits.redisUrlSecret)`,
  );
}
