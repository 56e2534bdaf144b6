/** Structured logging: one JSON object per line on stdout, one line per event. */
import { type LogSink, stdoutSink } from "./log-sink.js";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type { LogSink };

function levelFromEnv(): LogLevel {
  const v = process.env.KUBERELAY_LOG_LEVEL;
  return v === "debug" || v === "info" || v === "warn" || v === "error" ? v : "info";
}

/** Errors do not serialise to JSON by default; keep name and message, never the stack's object graph. */
function normalise(fields: LogFields): LogFields {
  // A line per request: copy only when there is an Error to replace.
  let out: LogFields | undefined;
  for (const k in fields) {
    const v = fields[k];
    if (!(v instanceof Error)) continue;
    out ??= { ...fields };
    out[k] = { name: v.name, message: v.message };
  }
  return out ?? fields;
}

export function createLogger(
  component: string,
  options: { level?: LogLevel; sink?: LogSink; fields?: LogFields } = {},
): Logger {
  const min = order[options.level ?? levelFromEnv()];
  const sink = options.sink ?? stdoutSink();
  const base = { component, ...options.fields };
  const emit = (level: LogLevel, msg: string, fields: LogFields = {}) => {
    if (order[level] < min) return;
    sink(JSON.stringify({ time: new Date().toISOString(), level, msg, ...base, ...normalise(fields) }));
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createLogger(component, { ...options, fields: { ...options.fields, ...fields } }),
  };
}
