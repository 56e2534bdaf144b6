import type { ConditionInput } from "../common/conditions.js";
import type { Policy } from "../common/schemas/policy.js";

/**
 * What the gateways can do with captured content, as their deployment sets them up. The operator
 * is told (flags the chart sets from the same values as the gateways' environment); it never
 * holds the content key.
 */
export interface GatewayContentAbilities {
  /** The gateways keep a usage ledger (PostgreSQL or embedded). */
  ledger: boolean;
  /** The gateways have a content key (KUBERELAY_CONTENT_KEY). */
  contentKey: boolean;
  /** The gateways run with KUBERELAY_ALLOW_PLAINTEXT=true. */
  allowPlaintext: boolean;
}

const condition = (ok: boolean, reason: string, message: string): ConditionInput => ({
  type: "ContentCaptured",
  status: ok ? "True" : "False",
  reason,
  message,
});

/**
 * Whether a Policy's content mode is honoured: the same rules as gateway/content/capture.ts
 * captureFor, said ahead of any request, so a team does not believe prompts are kept when none are.
 */
export function contentCondition(policy: Policy, can: GatewayContentAbilities): ConditionInput {
  const mode = policy.spec.content?.mode ?? "off";
  if (mode === "off") return condition(true, "Off", "content.mode is off: no request or answer is kept");
  if (!can.ledger) {
    return condition(
      false,
      "NoLedger",
      `content.mode is ${mode}, but the gateways keep no usage ledger (chart: gateway.ledger): nothing is kept`,
    );
  }
  if (mode === "plaintext") {
    return can.allowPlaintext
      ? condition(true, "Plaintext", "requests and answers are kept in the clear in the usage ledger")
      : condition(
          false,
          "PlaintextNotAllowed",
          "content.mode is plaintext, but the gateways do not allow it (chart: gateway.content.allowPlaintext; KUBERELAY_ALLOW_PLAINTEXT): nothing is kept",
        );
  }
  return can.contentKey
    ? condition(true, "Encrypted", "requests and answers are kept sealed with the gateways' content key")
    : condition(
        false,
        "NoContentKey",
        "content.mode is encrypted, but the gateways have no content key (chart: gateway.content.keySecret; KUBERELAY_CONTENT_KEY): nothing is kept",
      );
}
