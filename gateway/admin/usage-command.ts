import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { printable, usageAnswer, usageTable } from "./usage-table.js";

export const usageUsage = `kuberelay usage [flags]
  spend and tokens by namespace, key, model or day, from a gateway's admin API
  --url URL            the admin API (or KUBERELAY_ADMIN_URL; default http://127.0.0.1:9091)
  --token-file FILE    a file holding the admin token (or KUBERELAY_ADMIN_TOKEN)
  --from YYYY-MM-DD    first UTC day (default: the first of --to's month)
  --to YYYY-MM-DD      last UTC day, included (default: today)
  --by LIST            groups, comma-separated: namespace, key, model, day, provider, policy
                       (default namespace)
  --namespace NS       only this namespace; also --key NS/NAME, --model NAME
  --format F           table (default), json or csv (all nine decimal places of cost)`;

type Out = (text: string) => void;

const TIMEOUT_MS = 30_000;

/** Exit code: 0 printed, 1 the API could not be reached or refused, 2 bad usage. */
export async function runUsage(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: Out = (t) => process.stdout.write(t),
  err: Out = (t) => process.stderr.write(t),
): Promise<number> {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: Object.fromEntries(
        ["url", "token-file", "from", "to", "by", "namespace", "key", "model", "format"].map((f) => [
          f,
          { type: "string" as const },
        ]),
      ),
    }) as { values: Record<string, string | undefined> });
  } catch (e) {
    err(`${e instanceof Error ? e.message : String(e)}\n${usageUsage}\n`);
    return 2;
  }
  const format = values.format ?? "table";
  if (!["table", "json", "csv"].includes(format)) {
    err(`--format must be table, json or csv, got "${format}"\n`);
    return 2;
  }
  const token = readToken(values["token-file"], env, err);
  if (token === undefined) return 2;
  const base = values.url ?? env.KUBERELAY_ADMIN_URL ?? "http://127.0.0.1:9091";
  let url: URL;
  try {
    url = new URL("v1/usage", base.endsWith("/") ? base : `${base}/`);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("not http(s)");
  } catch {
    err(`--url must be an http(s) URL, got "${base}"\n`);
    return 2;
  }
  const params = { from: values.from, to: values.to, group_by: values.by, ...pick(values) };
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(name, value);
  if (format === "csv") url.searchParams.set("format", "csv");
  return fetchReport(url, token, format, out, err);
}

const pick = (v: Record<string, string | undefined>) => ({
  namespace: v.namespace,
  key: v.key,
  model: v.model,
});

function readToken(file: string | undefined, env: NodeJS.ProcessEnv, err: Out): string | undefined {
  let token: string | undefined;
  if (file !== undefined) {
    try {
      token = readFileSync(file, "utf8").trim();
    } catch (e) {
      err(`could not read --token-file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
      return undefined;
    }
  } else {
    token = env.KUBERELAY_ADMIN_TOKEN?.trim();
  }
  if (!token) err(`no admin token: set KUBERELAY_ADMIN_TOKEN or give --token-file\n${usageUsage}\n`);
  return token || undefined;
}

async function fetchReport(url: URL, token: string, format: string, out: Out, err: Out): Promise<number> {
  // The address without its query, for messages: where it went, not what it asked.
  const where = `${url.origin}${url.pathname}`;
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { authorization: `Bearer ${token}`, accept: "application/json, text/csv" },
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: "error",
    });
  } catch (e) {
    err(`could not reach the admin API at ${where}: ${unreachable(e)}\n`);
    return 1;
  }
  const text = await res.text();
  if (!res.ok) {
    err(`${refusal(res.status, text, where)}\n`);
    return 1;
  }
  if (res.headers.get("x-kuberelay-truncated") === "true") {
    err("only the first 10,000 groups: narrow the range, the groups or the namespace for the rest\n");
  }
  if (format !== "table") {
    out(text.endsWith("\n") ? text : `${text}\n`);
    return 0;
  }
  let parsed: ReturnType<typeof usageAnswer.safeParse>;
  try {
    parsed = usageAnswer.safeParse(JSON.parse(text));
  } catch {
    parsed = usageAnswer.safeParse(undefined);
  }
  if (!parsed.success) {
    err(`${where} answered something that is not a usage report (is it a kuberelay admin port?)\n`);
    return 1;
  }
  out(`${usageTable(parsed.data)}\n`);
  return 0;
}

function unreachable(e: unknown): string {
  if (e instanceof Error && e.name === "TimeoutError") return `no answer in ${TIMEOUT_MS / 1000} s`;
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  switch (cause?.code) {
    case "ECONNREFUSED":
      return "connection refused (is the gateway running with KUBERELAY_ADMIN_TOKEN set and a ledger, and is this its --admin-port?)";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host not found";
    case "ECONNRESET":
      return "the connection was reset";
    default:
      return cause?.message ?? (e instanceof Error ? e.message : String(e));
  }
}

function refusal(status: number, body: string, where: string): string {
  let message: string | undefined;
  try {
    const m = (JSON.parse(body) as { error?: { message?: unknown } }).error?.message;
    if (typeof m === "string") message = printable(m.slice(0, 500));
  } catch {
    // Not the admin API's JSON: the status says enough.
  }
  if (status === 401) {
    return `the admin API at ${where} refused the token (401): check KUBERELAY_ADMIN_TOKEN or --token-file`;
  }
  if (status === 400) return `the admin API refused the query: ${message ?? "bad request"}`;
  return `the admin API at ${where} answered ${status}${message ? `: ${message}` : ""}`;
}
