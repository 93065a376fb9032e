import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
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
    const started = process.hrtime.bigint();
    const requestId = requestIdOf(req);
    res.setHeader("x-request-id", requestId);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const path = (req.url ?? "/").split("?")[0] as string;
      const method = req.method ?? "GET";
      // A response the client abandoned never got a status of its own.
      const status = res.writableFinished ? res.statusCode : 499;
      metrics.observeRequest({ route: routeLabel(path), method, status }, seconds);
      if (logRequests)
        log.info("request", {
          requestId,
          method,
          path,
          status,
          durationMs: Math.round(seconds * 1e6) / 1e3,
        });
    };
    res.once("finish", finish);
    res.once("close", finish);
    handler(req, res);
  };
}
