import type { IncomingMessage } from "node:http";
import type { Http2ServerRequest } from "node:http2";
import { codeName, toPresqueError, wireError } from "../errors/error-table.ts";
import { PresqueError } from "../errors/presque-error.ts";
import { utf8Text } from "./raw-json.ts";

export type Request = IncomingMessage | Http2ServerRequest;
type Headers = Record<string, string | number>;

/** What the REST layer needs of an HTTP/1.1 or HTTP/2 response. */
export interface Response {
  readonly headersSent: boolean;
  writeHead(status: number, headers: Headers): unknown;
  write(chunk: string): unknown;
  end(body?: string): unknown;
  destroy(): unknown;
  once(event: "close", listener: () => void): unknown;
}

/** Reads the whole body as UTF-8, refusing more than maxBytes with 413 before storing anything. */
export async function readBody(req: Request, maxBytes: number): Promise<string> {
  const declared = Number(req.headers["content-length"]);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  return utf8Text(Buffer.concat(chunks));
}

function tooLarge(maxBytes: number) {
  return new PresqueError("payload_too_large", `request body is larger than ${maxBytes} bytes`);
}

export function sendJson(res: Response, status: number, body: unknown, headers: Headers = {}): void {
  sendText(res, status, JSON.stringify(body), headers);
}

/** Sends text that already is JSON (stored payloads go out byte for byte). */
export function sendText(res: Response, status: number, json: string, headers: Headers = {}): void {
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(json),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(json);
}

export function sendEmpty(res: Response, status: number, headers: Headers = {}): void {
  res.writeHead(status, headers);
  res.end();
}

/** Redis outages are usually short (a restart, a failover); a second is a fair first wait. */
const retryAfterSeconds = 1;

/** The error shape REST shares with Connect: {"code": "invalid_argument", "message": "..."}. */
export function sendError(res: Response, error: unknown, headers: Headers = {}): void {
  const presque = toPresqueError(error);
  const wire = wireError(presque.kind);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // 503 is "not now" (Redis unreachable or too slow): tell clients when to try again.
  const retry: Headers =
    presque.retryAfterSeconds !== undefined
      ? { "retry-after": presque.retryAfterSeconds }
      : wire.httpStatus === 503
        ? { "retry-after": retryAfterSeconds }
        : {};
  if (wire.httpStatus === 401) retry["www-authenticate"] = 'Bearer realm="presque"';
  sendJson(
    res,
    wire.httpStatus,
    { code: codeName(wire.code), message: presque.message },
    {
      ...retry,
      ...headers,
    },
  );
}
