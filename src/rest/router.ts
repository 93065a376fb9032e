import { PresqueError } from "../errors/presque-error.ts";
import { type Request, type Response, sendError } from "./http-io.ts";

export interface RestContext {
  req: Request;
  res: Response;
  /** Path segments captured by the route pattern, URL-decoded. */
  params: string[];
  query: URLSearchParams;
}

export type RestHandler = (ctx: RestContext) => Promise<void> | void;
type Method = "GET" | "POST" | "PUT" | "DELETE";

interface Route {
  pattern: RegExp;
  methods: Partial<Record<Method, RestHandler>>;
  /** A GET that takes jobs: HEAD must not run it (presque mapped HEAD to GET and lost jobs). */
  getChangesState?: boolean;
}

export interface RouteOptions {
  /** For GET routes that change state (fetching jobs): no HEAD for them. */
  changesState?: boolean;
}

export interface RestRouter {
  on(method: Method, pattern: RegExp, handler: RestHandler, options?: RouteOptions): RestRouter;
  /** Node request handler; answers unknown paths 404 and known paths with another method 405. */
  handle(req: Request, res: Response): void;
}

/** A small regex router: each pattern is anchored, and its groups become params. */
export function createRestRouter(onUnexpected: (error: unknown, req: Request) => void): RestRouter {
  const routes: Route[] = [];
  const router: RestRouter = {
    on(method, pattern, handler, options = {}) {
      let route = routes.find((r) => r.pattern.source === pattern.source);
      if (!route) {
        route = { pattern, methods: {} };
        routes.push(route);
      }
      route.methods[method] = handler;
      if (method === "GET" && options.changesState) route.getChangesState = true;
      return router;
    },
    handle(req, res) {
      dispatch(req, res).catch((error: unknown) => {
        if (!(error instanceof PresqueError)) onUnexpected(error, req);
        sendError(res, error);
      });
    },
  };

  async function dispatch(req: Request, res: Response) {
    const url = new URL(req.url ?? "/", "http://presque");
    for (const route of routes) {
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      // HEAD answers like GET without a body (Node drops it), for the GETs that only read.
      const isSafeHead = req.method === "HEAD" && route.methods.GET !== undefined && !route.getChangesState;
      const handler = isSafeHead ? route.methods.GET : route.methods[req.method as Method];
      if (!handler) {
        const allow = Object.keys(route.methods).join(", ");
        sendError(
          res,
          new PresqueError("method_not_allowed", `${req.method} is not allowed here; use ${allow}`),
          {
            allow,
          },
        );
        return;
      }
      const params = match.slice(1).map(decodeSegment);
      await handler({ req, res, params, query: url.searchParams });
      return;
    }
    throw new PresqueError("route_not_found", `no route for ${url.pathname}`);
  }
  return router;
}

function decodeSegment(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? "");
  } catch {
    throw new PresqueError(
      "invalid_argument",
      `path segment ${JSON.stringify(segment)} is not valid URL encoding`,
    );
  }
}
