import type { ProviderName } from "../../common/schemas/provider-key.js";
import type { Limits } from "../../common/schemas/shared-types.js";

/**
 * What the pipeline needs from the limiter (gateway/limits): admit a request against every
 * scope it belongs to, and settle its usage when it ends.
 */
export interface AdmissionScope {
  id: string;
  limits?: Pick<Limits, "requestsPerMinute" | "tokensPerMinute" | "requestsPerDay" | "maxConcurrentRequests">;
  budget?: { usdPerDay?: number; usdPerMonth?: number };
}

export type AdmissionResult =
  | {
      allowed: true;
      headers: Record<string, string>;
      finish(usage: { inputTokens: number; outputTokens: number; costUsd: number }): Promise<void>;
    }
  | {
      allowed: false;
      reason: string;
      scope: string;
      retryAfterSeconds: number;
      headers: Record<string, string>;
      message: string;
    };

export interface AdmissionGate {
  /** `reserveUsd`: the most the request can cost, held against budgets until it finishes. */
  admit(req: { scopes: AdmissionScope[]; failOpen: boolean; reserveUsd?: number }): Promise<AdmissionResult>;
}

/** Prices usage in USD; undefined when the model has no known price. Called per request: no side effects. */
export type PriceUsage = (args: {
  provider: ProviderName;
  model: string;
  inputTokens: number;
  outputTokens: number;
  overrides?: Record<string, { inputPerMillionTokens: number; outputPerMillionTokens: number }>;
}) => number | undefined;
