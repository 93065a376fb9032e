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
  /** The route template that served it (set by the router; the metrics label). */
  route?: string | undefined;
}

/**
 * Reads the whole body as UTF-8, refusing more than maxBytes with 413 before storing anything.
 * Listeners and one promise rather than `for await` or stream.finished: those cost a promise per
 * chunk, or half a dozen listeners, on every enqueue. It fails the way they did: with the stream's
 * error, ERR_STREAM_PREMATURE_CLOSE when it closes before its end, and a body past the limit
 * destroys the request (the rest of it is not read).
 */
export function readBody(req: Request, maxBytes: number): Promise<string> {
  const declared = Number(req.headers["content-length"]);
  if (declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  if (req.readableEnded) return Promise.resolve("");
  if (req.destroyed) return Promise.reject(prematureClose());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Once settled, later events (the close after the end) are ignored: cheaper than taking the
    // four listeners off again on every request.
    let settled = false;
    const onData = (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      settled = true;
      reject(tooLarge(maxBytes));
      req.destroy();
    };
    const onEnd = () => {
      if (settled) return;
      settled = true;
      try {
        resolve(utf8Text(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
      } catch (invalid) {
        reject(invalid);
      }
    };
    const onError = (error: Error) => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    const onClose = () => {
      if (settled) return;
      settled = true;
      reject(prematureClose());
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

/** What stream.finished reports for a stream closed before its end. */
function prematureClose(): NodeJS.ErrnoException {
  return Object.assign(new Error("Premature close"), { code: "ERR_STREAM_PREMATURE_CLOSE" });
}

function tooLarge(maxBytes: number) {
  return new PresqueError("payload_too_large", `request body is larger than ${maxBytes} bytes`);
}

export function sendJson(res: Response, status: number, body: unknown, headers?: Headers): void {
  sendText(res, status, JSON.stringify(body), headers);
}

/** Sends text that already is JSON (stored payloads go out byte for byte); `headers` add or override. */
export function sendText(res: Response, status: number, json: string, headers?: Headers): void {
  const head: Headers = {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(json),
    "cache-control": "no-store",
  };
  if (headers !== undefined) Object.assign(head, headers);
  res.writeHead(status, head);
  res.end(json);
}

/** `headers` is passed on as is: a fresh object (the response adds its request id to it). */
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
