import { hasControlCharacter } from "../control-characters.js";
import { badRequest } from "../errors.js";

/** As long as a route's model may be: a longer name can match no route, only cost time. */
export const MAX_MODEL_NAME = 256;

/** A `.` or `..` segment: harmless in a JSON body, a path traversal once some translator puts it in a URL. */
const DOT_SEGMENT = /(^|\/)\.\.?(\/|$)/;

/** The model (or deployment, or model id) a caller names, bounded and checked before any routing. */
export function readModelName(value: unknown, missing: string, field?: string): string {
  if (typeof value !== "string" || value === "") throw badRequest(missing, field);
  if (value.length > MAX_MODEL_NAME)
    throw badRequest(`The model name must be at most ${MAX_MODEL_NAME} characters long.`, field);
  if (hasControlCharacter(value) || DOT_SEGMENT.test(value))
    throw badRequest("The model name contains a control character or a '.' or '..' segment.", field);
  return value;
}

/**
 * `stream` decides how the answer is read: a string "true" would make the upstream stream
 * while the gateway reads one JSON body, so anything but a boolean is refused.
 */
export function readStreamFlag(body: Record<string, unknown>): boolean {
  const stream = body.stream;
  if (stream === undefined || stream === null) return false;
  if (typeof stream !== "boolean") throw badRequest("stream: Input should be a valid boolean", "stream");
  return stream;
}

/** OpenAI's own bounds on how many completions one request may ask for. */
const CHOICE_FIELDS = { n: 128, best_of: 20 } as const;

/** Refuses a non-integer or out-of-range `n` / `best_of` before anything is sent upstream. */
export function checkChoiceCounts(body: Record<string, unknown>): void {
  for (const [field, max] of Object.entries(CHOICE_FIELDS)) {
    const v = body[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > max)
      throw badRequest(`${field}: Input should be an integer from 1 to ${max}`, field);
  }
}
