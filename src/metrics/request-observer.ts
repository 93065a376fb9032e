import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { performance } from "node:perf_hooks";
import type { Logger } from "../log.ts";
import type { PresqueMetrics } from "./presque-metrics.ts";

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;
type Handler = (req: Request, res: Response) => void;

/** A caller's id is kept when it is short, printable text; anything else is replaced. */
const acceptableRequestId = /^[\x21-\x7e]{1,128}$/;

function requestIdOf(req: Request): string {
  const sent = req.headers["x-request-id"];
  const id = Array.isArray(sent) ? sent[0] : sent;
  return id !== undefined && acceptableRequestId.test(id) ? id : randomUUID();
}

/**
 * Wraps the server's handler: every request gets an id (the caller's `x-request-id`, or a new
 * one) echoed in the response header, one log line when it ends (method, path, status, duration,
 * id) and its count and duration in the metrics. Set before the handler runs, the header goes
 * out with whatever writeHead the REST layer or the Connect adapter calls later.
 */
export function observeRequests(
  handler: Handler,
  {
    log,
    metrics,
    logRequests = true,
    routeLabel,
  }: {
    log: Logger;
    metrics: Pick<PresqueMetrics, "observeRequest">;
    logRequests?: boolean;
    /** The path template of a request path (metrics/route-label.ts). */
    routeLabel: (pathname: string) => string;
  },
): Handler {
  return (req, res) => {
    const started = performance.now();
    const requestId = requestIdOf(req);
    res.setHeader("x-request-id", requestId);
    let done = false;
    // One listener function for both events (`on`, not `once`: no wrapper per event and request).
    const finish = () => {
      if (done) return;
      done = true;
      const seconds = (performance.now() - started) / 1e3;
      const path = pathOf(req.url);
      const method = req.method ?? "GET";
      // A response the client abandoned never got a status of its own.
      const status = res.writableFinished ? res.statusCode : 499;
      metrics.observeRequest(routeLabel(path), method, status, seconds);
      if (logRequests)
        log.info("request", {
          requestId,
          method,
          path,
          status,
          durationMs: Math.round(seconds * 1e6) / 1e3,
        });
    };
    res.on("finish", finish);
    res.on("close", finish);
    handler(req, res);
  };
}

/** The path of a request target, its query left out. */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return "/";
  const mark = url.indexOf("?");
  return mark === -1 ? url : url.slice(0, mark);
}
