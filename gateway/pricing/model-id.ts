/**
 * Table keys a model id may be priced under, most specific first.
 *
 * Providers answer with snapshot ids (`gpt-4o-2024-08-06`, `claude-sonnet-4-20250514`,
 * `claude-sonnet-4@20250514` on Vertex, `anthropic.claude-sonnet-4-20250514-v1:0` on Bedrock) while
 * the table holds the family (`gpt-4o`). A prefix only counts when what follows it looks like a
 * snapshot, not like another model: `claude-opus-4-7` must not be priced as `claude-opus-4`, nor
 * `gpt-4o-audio-preview` as `gpt-4o` — an unpriced model shows up in a metric, a mispriced one
 * silently skews every budget.
 */
export function priceKeyCandidates(model: string, provider: string): string[] {
  const id = provider === "bedrock" ? bedrockBaseId(model.toLowerCase()) : model.toLowerCase();
  const candidates = [id];
  for (let end = id.length - 1; end > 0; end--) {
    if (!isBoundary(id.charAt(end))) continue;
    if (isSnapshotSuffix(id.slice(end + 1))) candidates.push(id.slice(0, end));
  }
  return candidates;
}

const isBoundary = (char: string) => char === "-" || char === "@" || char === ":";

/** Dates and snapshot numbers (`20250514`, `2024-08-06`, `0613`), `v2`, `latest`, `preview`, and `0` (`claude-sonnet-4-0`). */
function isSnapshotSuffix(rest: string): boolean {
  const segment = rest.split(/[-@:]/, 1)[0] ?? "";
  return /^(\d{4,}|0|v\d+|latest|preview)$/.test(segment);
}

/**
 * Bedrock callers may name a cross-region inference profile (`us.anthropic.…`, `global.anthropic.…`)
 * or its ARN; both bill as the model itself.
 */
function bedrockBaseId(id: string): string {
  const afterArn = id.startsWith("arn:") ? id.slice(id.lastIndexOf("/") + 1) : id;
  return afterArn.replace(/^(?:global|apac|us-gov|[a-z]{2})\.(?=[a-z0-9-]+\.)/, "");
}
