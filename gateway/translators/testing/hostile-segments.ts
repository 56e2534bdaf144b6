/** Names that would move an upstream path, or smuggle something into it. Shared by the translator tests. */
export const HOSTILE_SEGMENTS: readonly [string, string][] = [
  ["", "empty"],
  [".", "dot"],
  ["..", "dot-dot"],
  ["/", "slash"],
  ["../openai", "dot-dot then slash"],
  ["a/../../x", "slash inside"],
  ["..\\..\\x", "backslashes"],
  ["%2e%2e", "encoded dot-dot"],
  ["%2E%2e", "encoded dot-dot, mixed case"],
  ["a%2Fb", "encoded slash"],
  ["a%5cb", "encoded backslash"],
  ["%252e%252e", "double-encoded dot-dot"],
  ["gpt\u0000", "NUL"],
  ["gpt\r\nx-injected: 1", "CR LF"],
  ["gpt\t", "tab"],
  ["gpt\u007f", "DEL"],
  ["gpt\u0085", "C1 next line"],
  ["gpt\u009b", "C1 CSI"],
];

export const ORDINARY_SEGMENTS = [
  "gpt-4o-mini",
  "my.deployment_1",
  "...",
  "anthropic.claude-3-haiku-20240307-v1:0",
  "claude-3-5-sonnet@20240620",
  "ft:gpt-4o-mini:org::abc123",
];
