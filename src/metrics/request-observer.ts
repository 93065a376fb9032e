import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Http2ServerRequest } from "node:http2";
import { performance } from "node:perf_hooks";
import type { Logger } from "../log.ts";
import type { PresqueHttp2Response, PresqueResponse } from "../server/presque-response.ts";
import type { PresqueMetrics } from "./presque-metrics.ts";

type Request = IncomingMessage | Http2ServerRequest;
type Response = PresqueResponse | PresqueHttp2Response;
type Handler = (req: Request, res: Response) => void;

/** A caller's id is kept when it is short, printable text; anything else is replaced. */
const acceptableRequestId = /^[\x21-\x7e]{1,128}$/;

/**
 * A fresh id: this process's random UUID with its last 12 hex digits replaced by a counter. As
 * unique as a UUID per request (ids only correlate log lines; they are not secrets) without
 * drawing and formatting 16 random bytes for every request.
 */
const processPrefix = randomUUID().slice(0, 24);
let sequence = 0;
function freshRequestId(): string {
  sequence = (sequence + 1) % 0x1000000000000;
  return processPrefix + sequence.toString(16).padStart(12, "0");
}

function requestIdOf(req: Request): string {
  const sent = req.headers["x-request-id"];
  const id = Array.isArray(sent) ? sent[0] : sent;
  return id !== undefined && acceptableRequestId.test(id) ? id : freshRequestId();
}

/**
 * Wraps the server's handler: every request gets an id (the caller's `x-request-id`, or a new
 * one) echoed in the response header, one log line when it ends (method, path, status, duration,
 * id) and its count and duration in the metrics. The id and the start time are kept on the
 * response (server/presque-response.ts), whose writeHead sends the header with whatever head the
 * REST layer or the Connect adapter writes; one listener, made once, ends each request.
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
    /** The path template of a request path (metrics/route-label.ts), when the router named none. */
    routeLabel: (pathname: string) => string;
  },
): Handler {
  // "close" comes after "finish", and alone when the client left first.
  function ended(this: Response) {
    const seconds = (performance.now() - this.startedAt) / 1e3;
    const req = this.req;
    const method = req.method ?? "GET";
    // A response the client abandoned never got a status of its own.
    const status = this.writableFinished ? this.statusCode : 499;
    const route = this.route ?? routeLabel(pathOf(req.url));
    metrics.observeRequest(route, method, status, seconds);
    if (logRequests)
      log.info("request", {
        requestId: this.requestId,
        method,
        path: pathOf(req.url),
        status,
        durationMs: Math.round(seconds * 1e6) / 1e3,
      });
  }
  return (req, res) => {
    res.startedAt = performance.now();
    res.requestId = requestIdOf(req);
    res.on("close", ended);
    handler(req, res);
  };
}

/** The path of a request target, its query left out. */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return "/";
  const mark = url.indexOf("?");
  return mark === -1 ? url : url.slice(0, mark);
}
