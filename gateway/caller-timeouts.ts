import {
  DEFAULT_DUAL_PROTOCOL_LIMITS,
  type DualProtocolLimits,
} from "../common/process/dual-protocol-limits.js";
import { parsePositiveInt } from "../common/process/parse-flag.js";

/**
 * The slow-caller bounds, when the flags set them. A request timeout shorter than the headers
 * timeout would never let the headers one fire, so that is refused rather than half-applied.
 */
export function callerTimeouts(
  headersSeconds: string | undefined,
  requestSeconds: string | undefined,
): Partial<Pick<DualProtocolLimits, "headersTimeoutMs" | "requestTimeoutMs">> {
  const headersTimeoutMs =
    headersSeconds === undefined
      ? undefined
      : parsePositiveInt("headers-timeout-seconds", headersSeconds) * 1000;
  const requestTimeoutMs =
    requestSeconds === undefined
      ? undefined
      : parsePositiveInt("request-timeout-seconds", requestSeconds) * 1000;
  const effectiveHeaders = headersTimeoutMs ?? DEFAULT_DUAL_PROTOCOL_LIMITS.headersTimeoutMs;
  const effectiveRequest = requestTimeoutMs ?? DEFAULT_DUAL_PROTOCOL_LIMITS.requestTimeoutMs;
  if (effectiveRequest < effectiveHeaders)
    throw new Error(
      `--request-timeout-seconds (${effectiveRequest / 1000}) must not be shorter than --headers-timeout-seconds (${effectiveHeaders / 1000})`,
    );
  return {
    ...(headersTimeoutMs === undefined ? {} : { headersTimeoutMs }),
    ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }),
  };
}
