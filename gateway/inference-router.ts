import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";

/** A route's handler, with the path's parameters already decoded. */
export type RouteHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
) => void;

/** Why a request matched no route: nothing at that path, or a parameter that does not decode. */
export type Miss = { reason: "not_found"; path: string } | { reason: "bad_path_encoding"; path: string };

interface Route {
  method: string;
  /** Lower-cased literal segments; `:name` takes one segment as a parameter. */
  segments: string[];
  params: boolean;
  handler: RouteHandler;
}

/** `/a/b/` and `/a/b` are one path, as they were under express; the query is not part of it. */
function pathOf(url: string | undefined): string {
  const raw = url ?? "/";
  const q = raw.indexOf("?");
  const path = q < 0 ? raw : raw.slice(0, q);
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * The inference port's router: a few fixed paths and a few with one parameter, so an exact
 * lookup first and then a short list. Literal segments match in any case, like express's
 * default did; a parameter is one segment, URL-decoded.
 */
export class InferenceRouter {
  private readonly exact = new Map<string, RouteHandler>();
  private readonly withParams: Route[] = [];

  constructor(private readonly miss: (req: IncomingMessage, res: ServerResponse, why: Miss) => void) {}

  on(method: string, pattern: string, handler: RouteHandler): this {
    const segments = pattern.split("/").map((s) => (s.startsWith(":") ? s : s.toLowerCase()));
    if (segments.some((s) => s.startsWith(":")))
      this.withParams.push({ method, segments, params: true, handler });
    else this.exact.set(`${method} ${pattern.toLowerCase()}`, handler);
    return this;
  }

  readonly listener: RequestListener = (req, res) => {
    const path = pathOf(req.url);
    const method = req.method ?? "GET";
    const exact = this.exact.get(`${method} ${path.toLowerCase()}`);
    if (exact) {
      exact(req, res, {});
      return;
    }
    const parts = path.split("/");
    for (const route of this.withParams) {
      if (route.method !== method || route.segments.length !== parts.length) continue;
      const params = this.match(route, parts);
      if (params === "bad_encoding") {
        this.miss(req, res, { reason: "bad_path_encoding", path });
        return;
      }
      if (params) {
        route.handler(req, res, params);
        return;
      }
    }
    this.miss(req, res, { reason: "not_found", path });
  };

  private match(route: Route, parts: string[]): Record<string, string> | "bad_encoding" | undefined {
    const params: Record<string, string> = {};
    for (let i = 0; i < parts.length; i++) {
      const want = route.segments[i] as string;
      const got = parts[i] as string;
      if (want.startsWith(":")) {
        if (got === "") return undefined;
        const value = decode(got);
        if (value === undefined) return "bad_encoding";
        params[want.slice(1)] = value;
      } else if (want !== got.toLowerCase()) return undefined;
    }
    return params;
  }
}
