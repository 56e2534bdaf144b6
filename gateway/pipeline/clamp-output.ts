import { badRequest } from "../errors.js";
import type { InboundRequest } from "./types.js";

/** Where each operation carries its output-token cap (a dotted path into the body). */
const fieldsOf: Partial<Record<InboundRequest["operation"], string[]>> = {
  chat: ["max_completion_tokens", "max_tokens"],
  completions: ["max_tokens"],
  responses: ["max_output_tokens"],
  messages: ["max_tokens"],
  converse: ["inferenceConfig.maxTokens"],
  converse_stream: ["inferenceConfig.maxTokens"],
};

/**
 * InvokeModel takes the model family's own body, and each family names its cap differently:
 * Claude (messages), Mistral, Cohere and AI21 Jamba `max_tokens`; Meta Llama `max_gen_len`;
 * Titan Text `textGenerationConfig.maxTokenCount`; Nova `inferenceConfig.max_new_tokens` in
 * its messages-v1 spelling and `inferenceConfig.maxTokens` in the Converse-like one its
 * current documentation (and Nova 2's) uses; Nova takes either, so both count.
 */
type InvokeFamily = "max_tokens" | "llama" | "titan" | "nova";
const invokeFieldsOf: Record<InvokeFamily, string[]> = {
  max_tokens: ["max_tokens"],
  llama: ["max_gen_len"],
  titan: ["textGenerationConfig.maxTokenCount"],
  nova: ["inferenceConfig.maxTokens", "inferenceConfig.max_new_tokens"],
};
const ALL_INVOKE_FIELDS = [...new Set(Object.values(invokeFieldsOf).flat())];
const isInvoke = (operation: InboundRequest["operation"]) =>
  operation === "invoke" || operation === "invoke_stream";

/**
 * Bedrock model ids by family, matched on the id's last `/` part (an ARN's model or inference
 * profile) after an optional cross-region prefix (`us.`, `global.`). Nova's image, video, speech
 * and embedding models take no output cap and are left out.
 */
const modelFamilies: [RegExp, InvokeFamily][] = [
  [/^(?:[a-z-]+\.)?meta\.llama/, "llama"],
  [/^(?:[a-z-]+\.)?amazon\.titan-(?:text|tg1)/, "titan"],
  [/^(?:[a-z-]+\.)?amazon\.nova-(?!.*(?:canvas|reel|sonic|embed))/, "nova"],
  [/^(?:[a-z-]+\.)?(?:anthropic|mistral|cohere|ai21)\./, "max_tokens"],
];

/**
 * Models that answer with no text (embeddings, rerank, images, video, speech): no cap to clamp,
 * and their APIs refuse a key they do not know, so none is added.
 */
const NO_TEXT_OUTPUT =
  /^(?:[a-z-]+\.)?(?:amazon\.titan-(?:embed|image)|amazon\.nova-(?:canvas|reel|sonic)|amazon\.nova-.*embed|cohere\.(?:embed|rerank)|amazon\.rerank|stability\.|twelvelabs\.)/;

/** Keys only one family's InvokeModel body has, for a model id that names no family. */
const bodyMarkers: [string, InvokeFamily][] = [
  ["anthropic_version", "max_tokens"],
  ["max_gen_len", "llama"],
  ["textGenerationConfig", "titan"],
  ["inputText", "titan"],
  ["inferenceConfig", "nova"],
  ["schemaVersion", "nova"],
];

/** An own property only: a key the prototype lends (or a `__proto__` key) names no cap. */
function own(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object" && !Array.isArray(value) && Object.hasOwn(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/**
 * The family of an InvokeModel body. Clamping runs before a target is chosen, so the upstream
 * model (a route's targets[].model) is not known yet: the requested id decides when it names a
 * family, since a route that accepts it almost always sends the same model on, and an id the
 * caller picks cannot be argued with by keys the caller adds to the body. Aliases, provisioned
 * throughput and application inference profiles name none; then keys only one family's API
 * knows decide, and a body with none of them gets `max_tokens`, which the families that reject
 * unknown keys refuse (failing closed) rather than run uncapped.
 */
function invokeFamily(model: string, body: Record<string, unknown>): InvokeFamily {
  const id = model.slice(model.lastIndexOf("/") + 1).toLowerCase();
  const named = modelFamilies.find(([pattern]) => pattern.test(id));
  if (named) return named[1];
  return bodyMarkers.find(([key]) => own(body, key) !== undefined)?.[1] ?? "max_tokens";
}

/** The family's cap fields, the one a missing cap is added in first. */
function invokeFields(family: InvokeFamily, body: Record<string, unknown>): string[] {
  const fields = invokeFieldsOf[family];
  if (family !== "nova") return fields;
  // A messages-v1 body (snake_case inference parameters) gets the cap in its own spelling.
  const config = own(body, "inferenceConfig");
  const snake =
    own(body, "schemaVersion") === "messages-v1" ||
    own(config, "top_p") !== undefined ||
    own(config, "top_k") !== undefined;
  return snake ? [...fields].reverse() : fields;
}

function getPath(body: Record<string, unknown>, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => own(v, k), body);
}

function setPath(body: Record<string, unknown>, path: string, value: number): Record<string, unknown> {
  const [head, ...rest] = path.split(".");
  if (!head) return body;
  if (rest.length === 0) return { ...body, [head]: value };
  const child = own(body, head);
  const obj =
    child && typeof child === "object" && !Array.isArray(child) ? (child as Record<string, unknown>) : {};
  return { ...body, [head]: setPath(obj, rest.join("."), value) };
}

/** A cap that may stay: a number from 1 to the limit (0 or a negative one may mean "no cap" upstream). */
const keeps = (cap: unknown, limit: number) => typeof cap === "number" && cap >= 1 && cap <= limit;

/**
 * How many completions the upstream generates, each up to the cap: OpenAI's `n` choices,
 * and `best_of` on completions, which are generated (and billed) though only one returns.
 */
function completionsPerRequest(body: Record<string, unknown>): number {
  const count = (v: unknown) => (typeof v === "number" && Number.isInteger(v) && v > 1 ? v : 1);
  return Math.max(count(body.n), count(body.best_of));
}

type Clamped = { body: Record<string, unknown>; clamped: boolean; added: boolean };

/**
 * InvokeModel: every cap field of any family the body names is brought within the limit (a
 * string, null or negative one as well, which some upstream might read as its default), and
 * the family's own is added when missing, never another family's key its API would not know.
 */
function clampInvoke(inbound: InboundRequest, limit: number): Clamped {
  const id = inbound.model.slice(inbound.model.lastIndexOf("/") + 1).toLowerCase();
  if (NO_TEXT_OUTPUT.test(id)) return { body: inbound.body, clamped: false, added: false };
  const family = invokeFields(invokeFamily(inbound.model, inbound.body), inbound.body);
  let body = inbound.body;
  let clamped = false;
  for (const f of ALL_INVOKE_FIELDS) {
    const current = getPath(body, f);
    if (current === undefined || keeps(current, limit)) continue;
    body = setPath(body, f, limit);
    clamped = true;
  }
  const added = family.every((f) => getPath(inbound.body, f) === undefined);
  if (added) body = setPath(body, family[0] as string, limit);
  return { body, clamped: clamped || added, added };
}

/**
 * Applies a Policy's maxOutputTokens by clamping: a larger cap in the request is lowered to
 * the limit, so well-behaved SDK calls keep working, and a request with none gets the limit
 * added (`added`), since the upstream's own default may be far above it. The limit is for
 * the whole request, so with several completions each gets its share.
 */
export function clampOutputTokens(inbound: InboundRequest, requestLimit: number | undefined): Clamped {
  const fields = fieldsOf[inbound.operation];
  if (!requestLimit || !(fields || isInvoke(inbound.operation)))
    return { body: inbound.body, clamped: false, added: false };
  const completions = completionsPerRequest(inbound.body);
  const limit = Math.floor(requestLimit / completions);
  if (limit < 1)
    throw badRequest(
      `This key allows at most ${requestLimit} output tokens per request, too few for ${completions} completions.`,
      completions === inbound.body.n ? "n" : "best_of",
    );
  if (!fields) return clampInvoke(inbound, limit);
  const present = fields.filter((f) => typeof getPath(inbound.body, f) === "number");
  const targets = present.length > 0 ? present : [fields[0] as string];
  let body = inbound.body;
  let clamped = false;
  for (const f of targets) {
    if (!keeps(getPath(body, f), limit)) {
      body = setPath(body, f, limit);
      clamped = true;
    }
  }
  return { body, clamped, added: present.length === 0 };
}

/** Whether the operation generates output tokens at all (embeddings and token counts do not). */
export const generatesOutput = (operation: InboundRequest["operation"]) =>
  fieldsOf[operation] !== undefined || isInvoke(operation);

/**
 * The most output tokens a request may produce, when its body caps them: every completion's share.
 * The largest cap of any field counts, since the upstream obeys one we cannot name: a chat may
 * carry both of its fields, and an InvokeModel body's family is not known here (only its body
 * is). After clampOutputTokens every one is within the limit, so a caller's small cap in a field
 * the upstream ignores cannot make the reservation smaller than the one it obeys.
 */
export function outputTokenCap(operation: InboundRequest["operation"], body: Record<string, unknown>) {
  const fields = isInvoke(operation) ? ALL_INVOKE_FIELDS : fieldsOf[operation];
  if (!fields) return undefined;
  const caps = fields.map((f) => getPath(body, f)).filter((v): v is number => typeof v === "number" && v > 0);
  if (caps.length === 0) return undefined;
  return Math.max(...caps) * completionsPerRequest(body);
}
