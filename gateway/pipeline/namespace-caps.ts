import { GatewayError } from "../errors.js";
import type { AdmissionGate, AdmissionResult } from "./admission.js";
import type { Target } from "./types.js";

type Refused = Extract<AdmissionResult, { allowed: false }>;
type Lease = Extract<AdmissionResult, { allowed: true }>;

/** A limiter refusal as the caller sees it: 429 (or 503 when the store is down), with retry-after. */
export function refusalError(refusal: Refused): GatewayError {
  const unavailable = refusal.reason === "store_unavailable";
  return new GatewayError(unavailable ? "unavailable" : "rate_limit", refusal.message, {
    code: unavailable ? "limit_store_unavailable" : "rate_limit_exceeded",
    headers: { ...refusal.headers, "retry-after": String(refusal.retryAfterSeconds) },
  });
}

export interface SettledUsage {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/**
 * The platform team's caps (ProviderKey spec.perNamespace) for one request: each ProviderKey
 * a route tries is admitted for the calling namespace before it is called. A capped key is
 * skipped like a failing one, so the route falls back to its next target; the namespace's
 * own Policy limits are admitted separately and can only tighten these.
 */
export class NamespaceCaps {
  private readonly leases = new Map<string, Lease>();

  constructor(
    private readonly gate: AdmissionGate | undefined,
    private readonly namespace: string,
    /** The most the request can cost on a target, held against that ProviderKey's budget. */
    private readonly reserveUsd: (target: Target) => number = () => 0,
  ) {}

  /** Undefined when the target may be called; otherwise the error to report if nothing else answers. */
  async admit(target: Target): Promise<GatewayError | undefined> {
    const { id, perNamespace } = target.provider;
    if (!this.gate || !perNamespace || this.leases.has(id)) return undefined;
    const result = await this.gate.admit({
      scopes: [
        {
          id: `provider:${id}:namespace:${this.namespace}`,
          ...(perNamespace.limits ? { limits: perNamespace.limits } : {}),
          ...(perNamespace.budget ? { budget: perNamespace.budget } : {}),
        },
      ],
      // The platform team's choice, never the tenant's: a Policy's failOpen must not lift these caps.
      failOpen: perNamespace.failOpen ?? true,
      reserveUsd: this.reserveUsd(target),
    });
    if (!result.allowed) return refusalError(result);
    this.leases.set(id, result);
    return undefined;
  }

  /** The serving ProviderKey is charged the usage; keys that were tried and failed, one request each. */
  async finish(servingProviderId: string | undefined, usage: SettledUsage): Promise<void> {
    const none = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
    await Promise.all(
      [...this.leases].map(([id, lease]) =>
        // Settling never fails the request: the limiter reports its store errors itself.
        lease.finish(id === servingProviderId ? usage : none).catch(() => undefined),
      ),
    );
  }
}
