import { z } from "zod";
import { hasControlCharacter } from "../control-characters.js";
import { badRequest } from "../errors.js";
import { USAGE_GROUPS, type UsageGroup, type UsageQuery } from "../ledger/usage-report.js";

/** The longest range one report may cover, in days: a year and a margin, not the whole ledger. */
export const MAX_RANGE_DAYS = 400;

export type UsageFormat = "json" | "csv";

const DAY_MS = 86_400_000;

/** A real calendar day in years a ledger can hold (2000-01-01 is not "2000-1-1", 2026-02-30 is not a day). */
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, "is not a calendar date")
  .refine((s) => s >= "2000-01-01" && s <= "2999-12-31", "must be between 2000-01-01 and 2999-12-31");

// Kubernetes names: a namespace is a DNS-1123 label, an object name a DNS-1123 subdomain.
const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const subdomain = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

const params = z
  .object({
    from: day.optional(),
    to: day.optional(),
    group_by: z.string().optional(),
    namespace: z.string().max(63).regex(label, "must be a Kubernetes namespace name").optional(),
    key: z
      .string()
      .max(317)
      .refine((s) => {
        const [ns, name, ...rest] = s.split("/");
        return rest.length === 0 && label.test(ns ?? "") && subdomain.test(name ?? "");
      }, "must be a RelayKey as namespace/name")
      .optional(),
    model: z
      .string()
      .min(1)
      .max(256)
      .refine((s) => !hasControlCharacter(s), "must not hold control characters")
      .optional(),
    format: z.enum(["json", "csv"], { error: "must be json or csv" }).optional(),
  })
  .strict();

const KNOWN = Object.keys(params.shape).join(", ");

/**
 * The admin API's `/v1/usage` parameters, checked: whole UTC days `from`..`to` (default: the
 * first of `to`'s month to today), `group_by` (default namespace), optional filters and format.
 * Anything else, or anything twice, is a 400 that names the parameter at fault.
 */
export function parseUsageQuery(
  search: URLSearchParams,
  now: number,
): { query: UsageQuery; format: UsageFormat } {
  const raw: Record<string, string> = {};
  for (const [name, value] of search) {
    if (name in raw)
      throw badRequest(`parameter "${printable(name)}" is given more than once`, printable(name));
    raw[name] = value;
  }
  const parsed = params.safeParse(raw);
  if (!parsed.success) throw badRequest(...describe(parsed.error));
  const p = parsed.data;
  const to = p.to ?? new Date(now).toISOString().slice(0, 10);
  const from = p.from ?? `${to.slice(0, 7)}-01`;
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  if (days < 1) throw badRequest(`to (${to}) is before from (${from})`, "to");
  if (days > MAX_RANGE_DAYS) {
    throw badRequest(
      `from ${from} to ${to} is ${days} days; a report covers at most ${MAX_RANGE_DAYS}`,
      "from",
    );
  }
  const filters: UsageQuery["filters"] = {};
  if (p.namespace !== undefined) filters.namespace = p.namespace;
  if (p.key !== undefined) filters.key = p.key;
  if (p.model !== undefined) filters.model = p.model;
  return { query: { from, to, groupBy: groupBy(p.group_by), filters }, format: p.format ?? "json" };
}

function groupBy(value: string | undefined): UsageGroup[] {
  if (value === undefined) return ["namespace"];
  const names = value.split(",").map((s) => s.trim());
  const groups: UsageGroup[] = [];
  for (const name of names) {
    if (!(USAGE_GROUPS as readonly string[]).includes(name)) {
      throw badRequest(`group_by "${printable(name)}" is not one of ${USAGE_GROUPS.join(", ")}`, "group_by");
    }
    if (groups.includes(name as UsageGroup)) throw badRequest(`group_by names "${name}" twice`, "group_by");
    groups.push(name as UsageGroup);
  }
  return groups;
}

/** The first problem, as a message naming its parameter; the value itself is not repeated. */
function describe(error: z.ZodError): [string, string | undefined] {
  const issue = error.issues[0];
  if (issue?.code === "unrecognized_keys") {
    const names = issue.keys.map((k) => `"${printable(k)}"`).join(", ");
    return [`unknown parameter ${names}; known: ${KNOWN}`, printable(issue.keys[0] ?? "")];
  }
  const param = String(issue?.path[0] ?? "");
  return [`${param} ${issue?.message ?? "is not valid"}`, param || undefined];
}

/** A name from the query string, cut short and without control characters, to quote in a message. */
function printable(name: string): string {
  const cut = name.length > 40 ? `${name.slice(0, 40)}…` : name;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point
  return cut.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
}
