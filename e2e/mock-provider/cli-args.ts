import { parseArgs } from "node:util";

export interface CliConfig {
  port: number;
  host: string;
  openaiKey: string;
  chunkDelayMs: number;
}

export const USAGE =
  "usage: main.js --openai-key KEY [--port N] [--host H] [--chunk-delay-ms MS]\n" +
  "  env fallbacks: MOCK_OPENAI_KEY, MOCK_PROVIDER_PORT, MOCK_PROVIDER_HOST, MOCK_CHUNK_DELAY_MS";

/** Flags win over env so a parent process can override a value inherited from its own env. */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv): CliConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "openai-key": { type: "string" },
      "chunk-delay-ms": { type: "string" },
    },
    strict: true,
  });
  const openaiKey = values["openai-key"] ?? env.MOCK_OPENAI_KEY ?? "";
  if (openaiKey === "") throw new Error("an OpenAI key is required (--openai-key or MOCK_OPENAI_KEY)");
  return {
    openaiKey,
    port: nonNegativeInt("port", values.port ?? env.MOCK_PROVIDER_PORT ?? "0"),
    host: values.host ?? env.MOCK_PROVIDER_HOST ?? "127.0.0.1",
    chunkDelayMs: nonNegativeInt(
      "chunk-delay-ms",
      values["chunk-delay-ms"] ?? env.MOCK_CHUNK_DELAY_MS ?? "20",
    ),
  };
}

function nonNegativeInt(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`--${name} must be a non-negative integer, got "${raw}"`);
  return value;
}
