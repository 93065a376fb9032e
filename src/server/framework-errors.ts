import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import type { Http2ServerRequest } from "node:http2";
import { Code } from "@connectrpc/connect";
import { codeName, wireError } from "../errors/error-table.ts";
import { mapDecodeErrors } from "../rpc/decode-errors.ts";

/*
 * Answers the Connect adapter leaves to the transport: an unknown procedure (the adapter hands it
 * to the REST fallback) and the bodiless 405/415 its protocol negotiation returns.
 */

type Request = IncomingMessage | Http2ServerRequest;
/** What both Node response classes (and connect-node's NodeServerResponse) offer alike. */
interface Response {
  writeHead(status: number, headers: OutgoingHttpHeaders): unknown;
  getHeader(name: string): unknown;
  addTrailers(trailers: OutgoingHttpHeaders): void;
  end(): unknown;
}

/** application/grpc, application/grpc+proto, application/grpc-web(-text)(+proto), parameters aside. */
const grpcContentType = /^application\/grpc(?:-web(?:-text)?)?(?:\+[\w.-]+)?$/i;

/**
 * A gRPC or gRPC-Web call of a procedure the server does not have gets what the gRPC protocol
 * asks for: HTTP 200 and grpc-status 12 (UNIMPLEMENTED); a 404 with a JSON body makes grpcio log
 * a metadata parse error. Returns false for every other request, which the REST routes answer.
 */
export function answerUnknownProcedure(req: Request, res: Response): boolean {
  const contentType = req.headers["content-type"];
  // Every REST request passes here: most are told apart without splitting their content type.
  if (contentType === undefined || !/grpc/i.test(contentType)) return false;
  const mediaType = contentType.split(";")[0]?.trim() ?? "";
  if (!grpcContentType.test(mediaType)) return false;
  const path = (req.url ?? "/").split("?")[0];
  const status = {
    "grpc-status": String(Code.Unimplemented),
    "grpc-message": percentEncode(`unknown procedure ${path}`),
  };
  // The client may still be sending; what it sends is of no use.
  req.resume();
  if (/^application\/grpc-web/i.test(mediaType) || req.httpVersionMajor < 2) {
    // Trailers-Only: the status in the headers, as gRPC-Web allows
    // (https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-WEB.md) and HTTP/1.1 needs.
    res.writeHead(200, { "content-type": mediaType, ...status });
  } else {
    // Node's compatibility response cannot end the stream on the HEADERS frame that Trailers-Only
    // needs (grpc-js then sees no status), so headers and trailers, as Connect sends its errors.
    res.writeHead(200, { "content-type": mediaType });
    res.addTrailers(status);
  }
  res.end();
  return true;
}

/** grpc-message is percent-encoded: everything outside printable ASCII, and "%" itself. */
function percentEncode(message: string): string {
  return message.replace(/[^\x20-\x24\x26-\x7e]/gu, (c) => encodeURIComponent(c));
}

/** Bodiless answers of Connect's protocol negotiation (connect's universal-handler.ts). */
const frameworkErrors: Record<number, (req: Request) => { code: Code; message: string }> = {
  405: (req) => ({
    code: wireError("method_not_allowed").code,
    message: `${req.method} is not allowed here; RPCs take POST (GET for methods without side effects)`,
  }),
  415: (req) => ({
    code: wireError("invalid_argument").code,
    message: `content type "${req.headers["content-type"] ?? ""}" is not supported here; use application/json, application/proto, application/connect+json, application/connect+proto, application/grpc or application/grpc-web`,
  }),
};

/**
 * Gives the errors Connect answers with an empty body (405, 415) the `{code, message}` JSON every
 * other error has. It recognises them by status and a missing content type at writeHead, the
 * only hook the adapter leaves, and sends the body in place of the empty end() that follows.
 */
export function withFrameworkErrorBodies<Req extends Request, Res extends Response>(
  handler: (req: Req, res: Res) => void,
): (req: Req, res: Res) => void {
  return (req, res) => {
    if (req.method !== "HEAD") fillEmptyErrors(req, res);
    mapDecodeErrors(req, res); // undecodable RPC requests: 400 / INVALID_ARGUMENT, not 500
    handler(req, res);
  };
}

function fillEmptyErrors(req: Request, res: Response): void {
  // Both response classes take writeHead(status, headers) and end(); the adapter calls no other overload.
  const target = res as unknown as {
    writeHead(status: number, headers?: OutgoingHttpHeaders): unknown;
    end(...args: unknown[]): unknown;
  };
  // The class's own methods, called on the response: no bound copies per request.
  const { writeHead, end } = target;
  let body: string | undefined;
  target.writeHead = (status, headers) => {
    const describe = frameworkErrors[status];
    if (!describe || res.getHeader("content-type") !== undefined || hasContentType(headers))
      return writeHead.call(target, status, headers);
    const { code, message } = describe(req);
    body = JSON.stringify({ code: codeName(code), message });
    return writeHead.call(target, status, {
      ...headers,
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      "cache-control": "no-store",
    });
  };
  target.end = (...args) => {
    const pending = body;
    body = undefined;
    // end() or end(callback): nothing was written, so the JSON goes out instead.
    if (pending !== undefined && (args.length === 0 || typeof args[0] === "function")) {
      return end.call(target, pending, ...args);
    }
    return end.apply(target, args);
  };
}

function hasContentType(headers: OutgoingHttpHeaders | undefined): boolean {
  for (const name in headers) if (name.toLowerCase() === "content-type") return true;
  return false;
}
