/**
 * The limits and budgets engine the request pipeline calls: `admit` before the upstream call,
 * `finish` once the response is done. Counters are shared across gateway replicas through Redis, or
 * kept in memory when the gateway runs alone.
 */

export interface LimitSet {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  requestsPerDay?: number;
  maxConcurrentRequests?: number;
}

/** USD per UTC calendar day and month. */
export interface BudgetSet {
  usdPerDay?: number;
  usdPerMonth?: number;
}

export interface Scope {
  /** e.g. "key:ns/name" or "policy:ns/name"; used in store keys and messages, never in metric labels. */
  id: string;
  limits?: LimitSet;
  budget?: BudgetSet;
}

export interface AdmitRequest {
  /** Every scope must admit the request; a refusal in one consumes nothing in the others. */
  scopes: Scope[];
  /** When the store cannot be reached: admit unchecked (true) or refuse with store_unavailable (false). */
  failOpen: boolean;
  /** Admission time in epoch ms; defaults to the limiter's clock. */
  now?: number;
  /**
   * The most this request can cost (USD), held against every scope's budget while it runs and
   * replaced by its real cost at `finish`: concurrent requests cannot all pass a budget's last
   * dollars. 0 or absent reserves nothing (the budget is then checked against spend alone).
   */
  reserveUsd?: number;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export const refusalReasons = [
  "requests_per_minute",
  "requests_per_day",
  "tokens_per_minute",
  "concurrency",
  "budget_day",
  "budget_month",
  "store_unavailable",
] as const;
export type RefusalReason = (typeof refusalReasons)[number];

export interface Refusal {
  allowed: false;
  reason: RefusalReason;
  /** The scope id that refused. */
  scope: string;
  /**
   * When this request would be admitted if nothing else is admitted first; also in headers as
   * `retry-after-ms` (not for store_unavailable, which has no such instant).
   */
  retryAfterMs: number;
  /** `retryAfterMs` rounded up to whole seconds, at least 1; also in headers as `retry-after`. */
  retryAfterSeconds: number;
  headers: Record<string, string>;
  message: string;
}

export interface Allowance {
  allowed: true;
  headers: Record<string, string>;
  /**
   * Call exactly once when the response is done (later calls do nothing): releases the concurrency
   * lease and records tokens and cost. Never rejects; store failures go to `onStoreError`.
   */
  finish(usage: Usage): Promise<void>;
}

export type Admission = Allowance | Refusal;

export interface Limiter {
  admit(req: AdmitRequest): Promise<Admission>;
  readonly backend: "redis" | "memory";
  /** Raises budgets to the ledger's spend again (LimiterOptions.spendFloor); nothing without one. */
  applySpendFloor(): Promise<void>;
  /** Renews the leases and reservations of requests still running, as a timer does every third of their TTL. */
  renewLeases(): Promise<void>;
  close(): Promise<void>;
}
