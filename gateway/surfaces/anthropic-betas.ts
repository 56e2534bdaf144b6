import { badRequest } from "../errors.js";

/**
 * Beta features a caller may switch on through the gateway. Every tenant behind one
 * ProviderKey shares one Anthropic organisation, so betas that reach stored state or the
 * network on Anthropic's side (files, MCP servers, code execution, web fetch, skills) would
 * let one tenant touch another's data or leave the gateway's control; and betas that
 * change the price (1M context) would be billed at the wrong rate. Those, and any beta not
 * known here, are refused with a clear error rather than passed on or silently dropped.
 */
const ALLOWED = new Set([
  "prompt-caching-2024-07-31",
  "token-counting-2024-11-01",
  "pdfs-2024-09-25",
  "computer-use-2024-10-22",
  "computer-use-2025-01-24",
  "token-efficient-tools-2025-02-19",
  "output-128k-2025-02-19",
  "interleaved-thinking-2025-05-14",
  "fine-grained-tool-streaming-2025-05-14",
  "extended-cache-ttl-2025-04-11",
  "context-management-2025-06-27",
  "structured-outputs-2025-11-13",
  "effort-2025-11-24",
]);

/** Checks the caller's `anthropic-beta` list and returns it as the upstream should see it. */
export function checkAnthropicBetas(header: string): string {
  const betas = header
    .split(",")
    .map((b) => b.trim())
    .filter((b) => b !== "");
  for (const beta of betas) {
    if (!ALLOWED.has(beta)) {
      // The value is the caller's own, but bounded so an error body cannot be used to echo junk.
      const shown = beta.length > 64 ? `${beta.slice(0, 64)}…` : beta;
      throw badRequest(`anthropic-beta: the beta "${shown}" is not enabled on this gateway.`);
    }
  }
  return betas.join(",");
}
