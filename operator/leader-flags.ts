import type { LeaderElectionTimings } from "../common/kube/leader-election.js";
import { defaultTimings, validateTimings } from "../common/kube/leader-election.js";

export const leaderFlagsUsage = `  --leader-elect BOOL      only the holder of the Lease kuberelay-operator writes (default true)
  --lease-duration D       how long a lease lasts without renewal (default 15s)
  --renew-deadline D       a leader that cannot renew for this long exits (default 10s)
  --retry-period D         renew / retry interval (default 2s)`;

/** "15s", "1500ms" or a bare number of seconds, in milliseconds. */
export function parseDuration(flag: string, value: string | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(value.trim());
  if (!m) throw new Error(`--${flag}: "${value}" is not a duration like 15s or 500ms`);
  return m[2] === "ms" ? Number(m[1]) : Number(m[1]) * 1000;
}

export function parseBool(flag: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === "true") return true;
  if (value === "false") return false;
  throw new Error(`--${flag}: expected true or false, got "${value}"`);
}

export function leaderTimings(values: {
  "lease-duration"?: string;
  "renew-deadline"?: string;
  "retry-period"?: string;
}): LeaderElectionTimings {
  const timings = {
    leaseDurationMs: parseDuration(
      "lease-duration",
      values["lease-duration"],
      defaultTimings.leaseDurationMs,
    ),
    renewDeadlineMs: parseDuration(
      "renew-deadline",
      values["renew-deadline"],
      defaultTimings.renewDeadlineMs,
    ),
    retryPeriodMs: parseDuration("retry-period", values["retry-period"], defaultTimings.retryPeriodMs),
  };
  validateTimings(timings);
  return timings;
}
