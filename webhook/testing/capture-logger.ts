import { createLogger, type Logger } from "../../common/log.js";
import { isRecord } from "../type-guards.js";

/** A real logger whose JSON lines are kept for assertions instead of written to stdout. */
export function captureLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger("webhook", {
    level: "debug",
    sink: (line) => {
      const parsed: unknown = JSON.parse(line);
      if (isRecord(parsed)) lines.push(parsed);
    },
  });
  return { logger, lines };
}
