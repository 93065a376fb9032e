import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { OriginPolicy } from "../auth/origin-policy.ts";

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;
type Handler = (req: Request, res: Response) => void;

/** What a page of an allowed origin may send and read (REST, Connect, gRPC-Web). */
const allowMethods = "GET, POST, PUT, DELETE";
const exposeHeaders = [
  "location",
  "retry-after",
  "idempotent-replayed",
  "grpc-status",
  "grpc-message",
  "grpc-status-details-bin",
  "x-presque-job-id",
  "x-presque-queue",
  "x-presque-attempt",
  "x-presque-deliveries",
  "x-presque-max-attempts",
  "x-presque-enqueued-at",
  "x-presque-lease-token",
  "x-presque-lease-deadline",
  "x-request-id",
].join(", ");
const maxAgeSeconds = 600;

/**
 * CORS for the origins in cors.allowed_origins (none by default): their requests get the
 * Access-Control headers, their preflights a 204. Other origins get no CORS headers, so their
 * pages cannot read answers; the request gate refuses their requests outright.
 */
export function withCors(handler: Handler, origins: OriginPolicy): Handler {
  return (req, res) => {
    const origin = req.headers.origin;
    if (typeof origin !== "string" || !origins.allowsOrigin(origin)) {
      handler(req, res);
      return;
    }
    res.setHeader("access-control-allow-origin", origin);
    res.setHeader("vary", "Origin");
    const preflight = req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined;
    if (!preflight) {
      res.setHeader("access-control-expose-headers", exposeHeaders);
      handler(req, res);
      return;
    }
    const requested = req.headers["access-control-request-headers"];
    (res as ServerResponse).writeHead(204, {
      "access-control-allow-methods": allowMethods,
      ...(typeof requested === "string" ? { "access-control-allow-headers": requested } : {}),
      "access-control-max-age": String(maxAgeSeconds),
    });
    res.end();
  };
}
