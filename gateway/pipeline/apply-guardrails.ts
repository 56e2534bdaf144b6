import type { CompiledPolicy } from "../../common/config/gateway-config.js";
import { GatewayError } from "../errors.js";
import { guardrailsFor } from "../guardrails/compile-cache.js";
import { blockMessage, countHits, type Hit, RedactionState } from "../guardrails/index.js";
import type { GatewayMetrics } from "../metrics.js";
import { promptTexts } from "./prompt-texts.js";
import type { InboundRequest } from "./types.js";

export interface GuardrailOutcome {
  /** Values found, by type and action; never the values. */
  hits: Hit[];
  /** The body was changed: what goes upstream (and into content capture) is the redacted one. */
  redacted: boolean;
}

/**
 * Checks the text the model will see against the Policy's guardrails, before anything leaves
 * the gateway: a blocked type is a 400 naming the type, a redacted one is replaced in the body
 * in place. A Policy whose rules do not compile refuses every request (the operator says why
 * on the Policy): skipping a rule would forward what it was written to stop.
 */
export function applyGuardrails(
  policy: CompiledPolicy,
  inbound: InboundRequest,
  metrics: Pick<GatewayMetrics, "guardrailHits">,
): GuardrailOutcome | undefined {
  if (!policy.guardrails) return undefined;
  const compiled = guardrailsFor(policy.guardrails);
  if (!compiled.ok) {
    throw new GatewayError(
      "unavailable",
      "This key's Policy has guardrails that do not compile; see its Ready condition.",
      {
        code: "invalid_guardrails",
      },
    );
  }
  const slots = promptTexts(inbound.operation, inbound.body);
  if (slots.length === 0) return { hits: [], redacted: false };
  const result = compiled.guardrails.inspect(
    slots.map((s) => s.text),
    new RedactionState(),
  );
  const hits = countHits(result.findings);
  for (const h of hits) {
    metrics.guardrailHits.inc(
      { kind: h.kind, type: h.kind === "custom" ? "custom" : h.type, action: h.action },
      h.count,
    );
  }
  if (result.blocked) {
    throw new GatewayError("invalid_request", blockMessage(result.blocked), { code: "guardrail_blocked" });
  }
  let redacted = false;
  result.texts.forEach((text, i) => {
    const slot = slots[i];
    if (slot && text !== slot.text) {
      slot.replace(text);
      redacted = true;
    }
  });
  return { hits, redacted };
}
