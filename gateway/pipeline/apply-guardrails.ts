import type { CompiledPolicy } from "../../common/config/gateway-config.js";
import { AnswerChannels } from "../answer-stream/answer-channels.js";
import { answerStreamFor } from "../answer-stream/answer-stream.js";
import type { AnswerStream } from "../answer-stream/types.js";
import { GatewayError } from "../errors.js";
import { guardrailsFor } from "../guardrails/compile-cache.js";
import {
  blockMessage,
  countHits,
  type Guardrails,
  type Hit,
  type InspectResult,
  RedactionState,
  type TextFinding,
} from "../guardrails/index.js";
import type { Finding } from "../guardrails/types.js";
import type { GatewayMetrics } from "../metrics.js";
import { answerTexts } from "./answer-texts.js";
import { isObject, type TextSlot } from "./json-text-slots.js";
import { promptTexts } from "./prompt-texts.js";
import type { InboundRequest } from "./types.js";
import { uncheckedAnswerPart } from "./unchecked-answer-parts.js";

/** A complete answer after the check: the body to send, or why it is withheld. */
export type AnswerCheck = { body: string } | { withheld: GatewayError };

export interface GuardrailOutcome {
  /** Values found so far in the request (and its answer, once checked), by type and action; never the values. */
  hits: Hit[];
  /** The body was changed: what goes upstream (and into content capture) is the redacted one. */
  redacted: boolean;
  /** With `answers` on: checks a complete answer in the caller's shape, with the request's placeholders. */
  checkAnswer?: (body: string) => AnswerCheck;
  /** With `answers` on, for a streamed request: checks the answer as it streams. */
  answerStream?: AnswerStream;
}

type HitMetrics = Pick<GatewayMetrics, "guardrailHits">;

/**
 * Checks the text the model will see against the Policy's guardrails, before anything leaves
 * the gateway: a blocked type is a 400 naming the type, a redacted one is replaced in the body
 * in place. A Policy whose rules do not compile refuses every request (the operator says why
 * on the Policy): skipping a rule would forward what it was written to stop.
 */
export function applyGuardrails(
  policy: CompiledPolicy,
  inbound: InboundRequest,
  metrics: HitMetrics,
): GuardrailOutcome | undefined {
  if (!policy.guardrails) return undefined;
  const compiled = guardrailsFor(policy.guardrails);
  if (!compiled.ok) {
    throw new GatewayError(
      "unavailable",
      "This key's Policy has guardrails that do not compile; see its Ready condition.",
      { code: "invalid_guardrails" },
    );
  }
  const answers = policy.guardrails.answers === true;
  const unchecked = answers ? uncheckedAnswerPart(inbound.operation, inbound.body) : undefined;
  if (unchecked !== undefined) {
    throw new GatewayError(
      "invalid_request",
      `This key's Policy checks answers, and \`${unchecked}\` asks for a copy of the answer's text the guardrails cannot check: send the request without it.`,
      { code: "guardrail_unchecked_answer", param: unchecked },
    );
  }
  const state = new RedactionState();
  const outcome: GuardrailOutcome = { hits: [], redacted: false };
  const streamed =
    answers && inbound.stream
      ? streamChecker(compiled.guardrails, inbound, state, outcome.hits, metrics)
      : undefined;
  const result = inspect(compiled.guardrails, promptTexts(inbound.operation, inbound.body), state);
  if (result) {
    count(outcome.hits, result.findings, metrics);
    if (result.blocked) {
      throw new GatewayError("invalid_request", blockMessage(result.blocked), { code: "guardrail_blocked" });
    }
    outcome.redacted = result.changed;
  }
  if (streamed) outcome.answerStream = streamed;
  else if (answers) {
    outcome.checkAnswer = (body) =>
      checkAnswer(compiled.guardrails, inbound, body, state, outcome.hits, metrics);
  }
  return outcome;
}

/**
 * The streamed answer's checker. An operation whose stream the gateway cannot read is refused
 * before it is forwarded: streaming it unchecked would ignore the Policy.
 */
function streamChecker(
  guardrails: Guardrails,
  inbound: InboundRequest,
  state: RedactionState,
  hits: Hit[],
  metrics: HitMetrics,
): AnswerStream {
  const channels = new AnswerChannels(guardrails, state, (findings) => count(hits, findings, metrics));
  const stream = answerStreamFor(inbound.surface, inbound.operation, channels);
  if (stream === undefined) {
    throw new GatewayError(
      "invalid_request",
      `This key's Policy checks answers, which the gateway cannot do for a streamed ${inbound.operation} answer: send the request without streaming.`,
      { code: "guardrail_stream_unsupported", param: "stream" },
    );
  }
  return stream;
}

/** Inspects the slots' texts and writes redactions back; undefined when there is no text. */
function inspect(guardrails: Guardrails, slots: TextSlot[], state: RedactionState) {
  if (slots.length === 0) return undefined;
  const result: InspectResult = guardrails.inspect(
    slots.map((s) => s.text),
    state,
  );
  let changed = false;
  if (!result.blocked) {
    result.texts.forEach((text, i) => {
      const slot = slots[i];
      if (slot && text !== slot.text) {
        slot.replace(text);
        changed = true;
      }
    });
  }
  return { ...result, changed };
}

/** Adds what an inspection found to the request's hits and the metric, by type only. */
function count(hits: Hit[], findings: readonly (Finding | TextFinding)[], metrics: HitMetrics): void {
  for (const h of countHits(findings)) {
    const type = h.kind === "custom" ? "custom" : h.type;
    metrics.guardrailHits.inc({ kind: h.kind, type, action: h.action }, h.count);
    const same = hits.find((x) => x.kind === h.kind && x.type === h.type && x.action === h.action);
    if (same) same.count += h.count;
    else hits.push({ ...h });
  }
}

function checkAnswer(
  guardrails: Guardrails,
  inbound: InboundRequest,
  body: string,
  state: RedactionState,
  hits: Hit[],
  metrics: HitMetrics,
): AnswerCheck {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return { body };
  }
  if (!isObject(doc)) return { body };
  const result = inspect(guardrails, answerTexts(inbound.operation, doc), state);
  if (!result) return { body };
  count(hits, result.findings, metrics);
  if (result.blocked) {
    const why = blockMessage(result.blocked).replace(
      "The request was not forwarded",
      "The answer was withheld",
    );
    return { withheld: new GatewayError("invalid_request", why, { code: "guardrail_blocked" }) };
  }
  return { body: result.changed ? JSON.stringify(doc) : body };
}
