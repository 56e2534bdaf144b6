/**
 * Runs docs/argocd/health.lua on an object with the lua5.1 interpreter (.ci/setup installs it),
 * as Argo CD runs it with gopher-lua: the object as a global table `obj`, the script's return
 * value as the health.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const HEALTH_LUA_PATH = join(dirname(fileURLToPath(import.meta.url)), "health.lua");
export const healthLua = (): string => readFileSync(HEALTH_LUA_PATH, "utf8");

export interface Health {
  status: string;
  message: string;
}

/** A Lua 5.1 string literal; 5.1 has no \u escape, so anything outside printable ASCII is refused. */
function luaString(s: string): string {
  if (!/^[\x20-\x7e\n]*$/.test(s)) throw new Error(`not printable ASCII: ${JSON.stringify(s)}`);
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** JSON as a Lua table constructor, the way Argo CD hands objects to Lua (arrays from 1; null is nil). */
export function toLua(value: unknown): string {
  if (value === null || value === undefined) return "nil";
  if (typeof value === "string") return luaString(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `{${value.map(toLua).join(", ")}}`;
  if (typeof value === "object") {
    const fields = Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => `[${luaString(k)}] = ${toLua(v)}`);
    return `{${fields.join(", ")}}`;
  }
  throw new Error(`cannot pass ${typeof value} to Lua`);
}

/** The script's body runs inside a function, so its top-level `return hs` returns from there. */
export function runHealthCheck(obj: unknown, script: string = healthLua()): Health {
  const program = [
    `obj = ${toLua(obj)}`,
    "local function check()",
    script,
    "end",
    "local hs = check()",
    'io.write(tostring(hs.status), "\\n", tostring(hs.message or ""))',
  ].join("\n");
  let out: string;
  try {
    out = execFileSync("lua5.1", ["-"], { input: program, encoding: "utf8" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT")
      throw new Error("lua5.1 not found: .ci/setup installs it (apt-get install lua5.1)");
    throw err;
  }
  const newline = out.indexOf("\n");
  return { status: out.slice(0, newline), message: out.slice(newline + 1) };
}
