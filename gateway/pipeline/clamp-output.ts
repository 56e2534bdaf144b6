import { badRequest } from "../errors.js";
import type { InboundRequest } from "./types.js";

/** Where each operation carries its output-token cap (a dotted path into the body). */
const fieldsOf: Partial<Record<InboundRequest["operation"], string[]>> = {
  chat: ["max_completion_tokens", "max_tokens"],
  completions: ["max_tokens"],
  responses: ["max_output_tokens"],
  messages: ["max_tokens"],
  invoke: ["max_tokens"],
  invoke_stream: ["max_tokens"],
  converse: ["inferenceConfig.maxTokens"],
  converse_stream: ["inferenceConfig.maxTokens"],
};

function getPath(body: Record<string, unknown>, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>(
      (v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
      body,
    );
}

function setPath(body: Record<string, unknown>, path: string, value: number): Record<string, unknown> {
  const [head, ...rest] = path.split(".");
  if (!head) return body;
  if (rest.length === 0) return { ...body, [head]: value };
  const child = body[head];
  const obj =
    child && typeof child === "object" && !Array.isArray(child) ? (child as Record<string, unknown>) : {};
  return { ...body, [head]: setPath(obj, rest.join("."), value) };
}

/**
 * How many completions the upstream generates, each up to the cap: OpenAI's `n` choices,
 * and `best_of` on completions, which are generated (and billed) though only one returns.
 */
function completionsPerRequest(body: Record<string, unknown>): number {
  const count = (v: unknown) => (typeof v === "number" && Number.isInteger(v) && v > 1 ? v : 1);
  return Math.max(count(body.n), count(body.best_of));
}

/**
 * Applies a Policy's maxOutputTokens by clamping: a larger cap in the request is lowered to
 * the limit, so well-behaved SDK calls keep working, and a request with none gets the limit
 * added (`added`), since the upstream's own default may be far above it. The limit is for
 * the whole request, so with several completions each gets its share.
 */
export function clampOutputTokens(
  inbound: InboundRequest,
  requestLimit: number | undefined,
): { body: Record<string, unknown>; clamped: boolean; added: boolean } {
  const fields = fieldsOf[inbound.operation];
  if (!requestLimit || !fields) return { body: inbound.body, clamped: false, added: false };
  const completions = completionsPerRequest(inbound.body);
  const limit = Math.floor(requestLimit / completions);
  if (limit < 1)
    throw badRequest(
      `This key allows at most ${requestLimit} output tokens per request, too few for ${completions} completions.`,
      completions === inbound.body.n ? "n" : "best_of",
    );
  const present = fields.filter((f) => typeof getPath(inbound.body, f) === "number");
  const targets = present.length > 0 ? present : [fields[0] as string];
  let body = inbound.body;
  let clamped = false;
  for (const f of targets) {
    const current = getPath(body, f);
    if (typeof current !== "number" || current > limit) {
      body = setPath(body, f, limit);
      clamped = true;
    }
  }
  return { body, clamped, added: present.length === 0 };
}

/** Whether the operation generates output tokens at all (embeddings and token counts do not). */
export const generatesOutput = (operation: InboundRequest["operation"]) => fieldsOf[operation] !== undefined;

/** The most output tokens a request may produce, when its body caps them: every completion's share. */
export function outputTokenCap(operation: InboundRequest["operation"], body: Record<string, unknown>) {
  const fields = fieldsOf[operation];
  if (!fields) return undefined;
  const caps = fields.map((f) => getPath(body, f)).filter((v): v is number => typeof v === "number" && v > 0);
  return caps.length === 0 ? undefined : Math.min(...caps) * completionsPerRequest(body);
}
