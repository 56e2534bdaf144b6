import type { GatewayContentAbilities } from "./content-condition.js";
import { parseBool } from "./leader-flags.js";

export const gatewayContentFlagOptions = {
  "gateway-ledger": { type: "string" },
  "gateway-content-key": { type: "string" },
  "gateway-allow-plaintext": { type: "string" },
} as const;

export const gatewayContentFlagsUsage = `  --gateway-ledger BOOL    the gateways keep a usage ledger (default true: embedded when no database)
  --gateway-content-key BOOL  the gateways have a content key (default false)
  --gateway-allow-plaintext BOOL  the gateways run with KUBERELAY_ALLOW_PLAINTEXT=true (default false)
                           (what Policies' ContentCaptured condition judges content.mode against)`;

/** The defaults are a gateway run with no content settings: an embedded ledger, no key, no plaintext. */
export function parseGatewayContentFlags(values: {
  "gateway-ledger"?: string | undefined;
  "gateway-content-key"?: string | undefined;
  "gateway-allow-plaintext"?: string | undefined;
}): GatewayContentAbilities {
  return {
    ledger: parseBool("gateway-ledger", values["gateway-ledger"], true),
    contentKey: parseBool("gateway-content-key", values["gateway-content-key"], false),
    allowPlaintext: parseBool("gateway-allow-plaintext", values["gateway-allow-plaintext"], false),
  };
}
