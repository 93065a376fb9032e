import FindMyWay, { type HTTPVersion, type Instance } from "find-my-way";
import type { Access } from "../auth/access.ts";
import { isAudited, writeAuditLine } from "../auth/audit-log.ts";
import type { Grant } from "../auth/grant.ts";
import { requestFacts } from "../auth/request-facts.ts";
import type { RequestGate } from "../auth/request-gate.ts";
import { isClientAbort, logSeverity } from "../errors/log-severity.ts";
import { PresqueError } from "../errors/presque-error.ts";
import type { Logger } from "../log.ts";
import { type Request, type Response, sendError } from "./http-io.ts";
import { onlyParams } from "./query-params.ts";
import { parseRequestTarget } from "./request-target.ts";

export interface RestContext {
  req: Request;
  res: Response;
  /** The path parameters of the route pattern, URL-decoded, in the pattern's order. */
  params: string[];
  query: URLSearchParams;
  /** What the request's key may do; cross-queue routes show only the queues it may see. */
  grant: Grant;
}

export type RestHandler = (ctx: RestContext) => Promise<void> | void;
export type Method = "GET" | "POST" | "PUT" | "DELETE";

/** One row of the route table: everything presque knows about a REST route. */
export interface RestRoute {
  method: Method;
  /** find-my-way pattern (`/q/:queue/:id`, `/dashboard/*`); also the `route` label of metrics. */
  path: string;
  /** Who may use it; checked before the handler runs (src/auth/). */
  access: Access;
  /** The query parameters it takes; any other is a 400 (a typo must not pass unnoticed). */
  query?: readonly string[];
  /** A GET that takes jobs: HEAD must not run it (presque 2010 mapped HEAD to GET and lost jobs). */
  takesJobs?: boolean;
  handler: RestHandler;
}

export interface RestRouter {
  /** Node request handler; unknown paths are 404, known paths with another method 405. */
  handle(req: Request, res: Response): void;
  /** The pattern of the route serving this path (for any method), for metric labels. */
  patternOf(pathname: string): string | undefined;
}

const methods: readonly Method[] = ["GET", "POST", "PUT", "DELETE"];

/**
 * Matches by a radix tree (find-my-way), so the order of the table does not matter: a static
 * segment (`/q/:queue/stream`) always wins over a parameter (`/q/:queue/:id`), and a pattern
 * given twice is an error at start-up instead of a silent override.
 */
export interface RestRouterDeps {
  gate: RequestGate;
  log: Logger;
  onUnexpected: (error: unknown, req: Request) => void;
}

export function createRestRouter(routes: readonly RestRoute[], deps: RestRouterDeps): RestRouter {
  const { gate, onUnexpected } = deps;
  const tree: Instance<HTTPVersion.V1> = FindMyWay({ ignoreTrailingSlash: true });
  for (const route of routes) tree.on(route.method, route.path, () => undefined, route);

  const find = (method: Method, pathname: string) => {
    const found = tree.find(method, pathname);
    return found
      ? { route: found.store as RestRoute, params: Object.values(found.params) as string[] }
      : undefined;
  };

  /** The error answer of a request whose handler failed. */
  function fail(error: unknown, req: Request, res: Response) {
    // Only bugs: a 503 (Redis away) or a client that hung up shows in the request line; the
    // outage itself is logged (warn) by the Redis connection and the background loops.
    if (logSeverity(error) === "error" && !isClientAbort(error)) onUnexpected(error, req);
    sendError(res, error);
  }

  /** Answers a request; whatever fails, synchronously or not, becomes its error answer. */
  function handle(req: Request, res: Response) {
    let pending: Promise<void> | void;
    try {
      pending = dispatch(req, res);
    } catch (error) {
      fail(error, req, res);
      return;
    }
    pending?.then(undefined, (error: unknown) => fail(error, req, res));
  }

  /** Runs the route's handler (its promise is returned, not awaited: handle awaits it). */
  function dispatch(req: Request, res: Response): Promise<void> | void {
    const { pathname, query } = parseRequestTarget(req.url ?? "/");
    checkEncoding(pathname);
    // HEAD answers like GET without a body (Node drops it), for the GETs that only read.
    const method = req.method === "HEAD" ? "GET" : (req.method as Method);
    const found = methods.includes(method) ? find(method, pathname) : undefined;
    if (found && !(req.method === "HEAD" && found.route.takesJobs)) {
      const { route, params } = found;
      res.route = route.path;
      // Queue routes name their queue first (`/q/:queue/...`).
      const queues = route.access.kind === "queue" ? params.slice(0, 1) : [];
      const facts = requestFacts(req);
      const grant = gate.admit(facts, route.access, queues);
      if (isAudited(route.access)) {
        res.once("close", () =>
          writeAuditLine(deps.log, {
            key: grant.keyName,
            action: `${route.method} ${route.path}`,
            queues,
            outcome: (res as unknown as { statusCode: number }).statusCode,
            remoteAddress: facts.remoteAddress,
          }),
        );
      }
      if (query.size > 0) onlyParams(query, route.query ?? []);
      return route.handler({ req, res, params, query, grant });
    }
    // In the table's order, so the Allow header reads the way the routes are listed.
    const allow = methods.flatMap((m) => find(m, pathname)?.route ?? []);
    if (allow.length === 0) throw new PresqueError("route_not_found", `no route for ${pathname}`);
    allow.sort((a, b) => routes.indexOf(a) - routes.indexOf(b));
    const allowed = allow.map((r) => r.method).join(", ");
    sendError(
      res,
      new PresqueError("method_not_allowed", `${req.method} is not allowed here; use ${allowed}`),
      {
        allow: allowed,
      },
    );
  }

  return {
    handle,
    patternOf(pathname) {
      for (const method of methods) {
        const found = tree.find(method, pathname);
        if (found) return (found.store as RestRoute).path;
      }
      return undefined;
    },
  };
}

/** find-my-way treats a badly encoded path as no route; it is the client's mistake, so say so. */
function checkEncoding(pathname: string): void {
  // Only a "%" can make decoding fail.
  if (!pathname.includes("%")) return;
  for (const segment of pathname.split("/")) {
    try {
      decodeURIComponent(segment);
    } catch {
      throw new PresqueError(
        "invalid_argument",
        `path segment ${JSON.stringify(segment)} is not valid URL encoding`,
      );
    }
  }
}

/**
 * A row of the route table: `route(method, path, access, handler)` or
 * `route(method, path, access, options, handler)`. The access is not optional: a route says
 * who may use it or it does not compile.
 */
export function route(method: Method, path: string, access: Access, handler: RestHandler): RestRoute;
export function route(
  method: Method,
  path: string,
  access: Access,
  options: Pick<RestRoute, "query" | "takesJobs">,
  handler: RestHandler,
): RestRoute;
export function route(
  method: Method,
  path: string,
  access: Access,
  fourth: RestHandler | Pick<RestRoute, "query" | "takesJobs">,
  fifth?: RestHandler,
): RestRoute {
  return typeof fourth === "function"
    ? { method, path, access, handler: fourth }
    : { method, path, access, ...fourth, handler: fifth as RestHandler };
}
