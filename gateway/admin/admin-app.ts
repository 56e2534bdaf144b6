import express, { type Express, type NextFunction, type Request, type Response } from "express";
import type { Logger } from "../../common/log.js";
import { GatewayError } from "../errors.js";
import type { UsageQuery, UsageReport } from "../ledger/usage-report.js";
import { usageCsv } from "./usage-csv.js";
import { parseUsageQuery } from "./usage-query.js";

/** The most groups one report returns; more are cut, and the answer says so. */
export const MAX_REPORT_ROWS = 10_000;

/**
 * Reports that may run at once. They share the ledger's connections (four to PostgreSQL, one to
 * the embedded database) with its writes: a burst of reports must not hold them all.
 */
export const MAX_CONCURRENT_REPORTS = 2;

export interface AdminDeps {
  /** True when the request's Authorization header carries the admin token. */
  authorized: (authorization: string | undefined) => boolean;
  usage: (query: UsageQuery, maxRows: number) => Promise<UsageReport>;
  log: Logger;
  now?: () => number;
}

const errorBody = (type: string, message: string, param?: string) => ({
  error: { type, message, ...(param ? { param } : {}) },
});

/**
 * The admin API, on a port of its own: usage from the ledger, JSON or CSV. Every path, known or
 * not, first asks for the token, so that a caller without it learns nothing about the routes.
 */
export function createAdminApp(deps: AdminDeps): Express {
  const now = deps.now ?? Date.now;
  let running = 0;
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.set("query parser", false);
  app.use((req, res, next) => {
    const started = now();
    // Who read usage, and who was refused: one line per request, never a header's value.
    res.on("finish", () =>
      deps.log.info("admin request", {
        method: req.method,
        path: req.path,
        status: res.statusCode,
        durationMs: now() - started,
        remote: req.socket.remoteAddress,
      }),
    );
    res.set("cache-control", "no-store");
    if (deps.authorized(req.get("authorization"))) return next();
    res
      .status(401)
      .set("www-authenticate", 'Bearer realm="kuberelay-admin"')
      .json(errorBody("authentication", "a valid admin token is required (Authorization: Bearer …)"));
  });
  app.get("/v1/usage", async (req, res) => {
    const { query, format } = parseUsageQuery(searchOf(req.url), now());
    if (running >= MAX_CONCURRENT_REPORTS) {
      res
        .status(429)
        .set("retry-after", "1")
        .json(
          errorBody("rate_limit", `${MAX_CONCURRENT_REPORTS} usage reports are running; retry in a second`),
        );
      return;
    }
    running++;
    const report = await deps.usage(query, MAX_REPORT_ROWS).finally(() => {
      running--;
    });
    res.set("x-kuberelay-truncated", String(report.truncated));
    if (format === "csv") {
      res
        .type("text/csv; charset=utf-8")
        .set("content-disposition", `attachment; filename="usage-${query.from}-${query.to}.csv"`)
        .send(usageCsv(query.groupBy, report.lines));
      return;
    }
    res.json({
      from: query.from,
      to: query.to,
      groupBy: query.groupBy,
      truncated: report.truncated,
      rows: report.lines,
    });
  });
  app.use((_req, res) => {
    res.status(404).json(errorBody("not_found", "no such admin route; try GET /v1/usage"));
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof GatewayError) {
      res.status(err.status).json(errorBody(err.kind, err.message, err.details.param));
      return;
    }
    // The database's message stays in the log: it can name tables and hosts.
    deps.log.error("admin request failed", { path: req.path, error: err });
    res.status(500).json(errorBody("internal", "the usage ledger could not be read; see the gateway's log"));
  });
  return app;
}

function searchOf(url: string): URLSearchParams {
  const q = url.indexOf("?");
  return new URLSearchParams(q < 0 ? "" : url.slice(q + 1));
}
