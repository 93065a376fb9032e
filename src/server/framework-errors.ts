import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import type { Http2ServerRequest } from "node:http2";
import { Code } from "@connectrpc/connect";
import { codeName, wireError } from "../errors/error-table.ts";

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
 * The errors Connect answers with an empty body (405, 415) get the `{code, message}` JSON every
 * other error has. They are recognised by status and a missing content type at writeHead, the
 * only hook the adapter leaves (server/rpc-answer.ts): this returns the head to write instead
 * and the body to send in place of the empty end() that follows, or undefined for any other head.
 */
export function frameworkErrorAnswer(
  req: Request,
  res: Pick<Response, "getHeader">,
  status: number,
  headers: OutgoingHttpHeaders | undefined,
): { headers: OutgoingHttpHeaders; body: string } | undefined {
  const describe = frameworkErrors[status];
  if (!describe || req.method === "HEAD") return undefined;
  if (res.getHeader("content-type") !== undefined || hasContentType(headers)) return undefined;
  const { code, message } = describe(req);
  const body = JSON.stringify({ code: codeName(code), message });
  return {
    headers: {
      ...headers,
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      "cache-control": "no-store",
    },
    body,
  };
}

function hasContentType(headers: OutgoingHttpHeaders | undefined): boolean {
  for (const name in headers) if (name.toLowerCase() === "content-type") return true;
  return false;
}
