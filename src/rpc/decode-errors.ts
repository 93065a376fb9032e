import type { OutgoingHttpHeaders } from "node:http";
import { base64Decode } from "@bufbuild/protobuf/wire";
import { Code } from "@connectrpc/connect";
import { codeName, isRequestDecodeError } from "../errors/error-table.ts";

/*
 * connect-es decodes a unary request before any interceptor runs and answers what it cannot
 * decode (random bytes, a truncated varint, a length past the end, a wrong wire type, invalid
 * UTF-8 in a string) as 500 / grpc-status 13 "parse binary: ...", and bad base64 in a Connect GET
 * as a bare "internal error". Those are the client's fault: these turn them into 400 /
 * INVALID_ARGUMENT on the response, the only place left to see them. presque's response classes
 * (server/rpc-answer.ts) call them for RPC requests only when an answer can carry such an error
 * (a 500 JSON head, a gRPC-Web status frame, gRPC trailers): nothing is patched per call.
 * Streaming calls decode inside the interceptor, where error-table's toConnectError maps them.
 */

/** The request facts the decision needs. */
interface Called {
  method?: string | undefined;
  url?: string | undefined;
}

const grpcStatusLine = /^grpc-status: ?13\r?$/m;

/** A Connect unary error is one JSON chunk after a 500: its head is held until the body is seen. */
export function holdsErrorHead(status: number, headers: OutgoingHttpHeaders | undefined): boolean {
  return status === 500 && /^application\/json/.test(String(headerOf(headers, "content-type") ?? ""));
}

/** The 400 that replaces a held 500 whose body is a decode error, or undefined to send the 500 as it is. */
export function decodeErrorAnswer(
  req: Called,
  held: OutgoingHttpHeaders,
  chunk: unknown,
): { headers: OutgoingHttpHeaders; body: string } | undefined {
  if (!(chunk instanceof Uint8Array)) return undefined;
  const error = parseJson(chunk) as { code?: unknown; message?: unknown } | undefined;
  if (error?.code !== "internal" || typeof error.message !== "string") return undefined;
  const badBase64 = hasBadBase64Message(req);
  if (!isRequestDecodeError(Code.Internal, error.message) && !badBase64) return undefined;
  const body = JSON.stringify({
    code: codeName(Code.InvalidArgument),
    message: badBase64 ? "message is not valid base64" : error.message,
  });
  return { headers: withoutHeader(held, "content-length", Buffer.byteLength(body)), body };
}

/** gRPC: trailers with status 13 get 3 when their message is a decode error. */
export function grpcTrailers(req: Called, trailers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const status = headerOf(trailers, "grpc-status");
  if (String(status) !== String(Code.Internal)) return trailers;
  const text = safeDecode(String(headerOf(trailers, "grpc-message") ?? ""));
  if (!isDecodeError(req, text)) return trailers;
  return { ...trailers, "grpc-status": String(Code.InvalidArgument) };
}

/** gRPC-Web carries its status in a last frame of the body (flag 0x80): 13 becomes 3 for a decode error. */
export function grpcWebChunk(req: Called, chunk: unknown): unknown {
  if (!(chunk instanceof Uint8Array) || chunk[0] !== 0x80) return chunk;
  const text = Buffer.from(chunk.subarray(5)).toString("latin1");
  const message = /^grpc-message: ?(.*?)\r?$/m.exec(text)?.[1] ?? "";
  if (!grpcStatusLine.test(text) || !isDecodeError(req, safeDecode(message))) return chunk;
  const trailer = Buffer.from(
    text.replace(grpcStatusLine, `grpc-status: ${Code.InvalidArgument}\r`),
    "latin1",
  );
  const head = Buffer.alloc(5);
  head[0] = 0x80;
  head.writeUInt32BE(trailer.length, 1);
  return Buffer.concat([head, trailer]);
}

/** An Internal error with this message is the client's: undecodable, or a Connect GET's bad base64. */
function isDecodeError(req: Called, message: string): boolean {
  return isRequestDecodeError(Code.Internal, message) || hasBadBase64Message(req);
}

/** A Connect GET with base64=1 whose message connect-es cannot decode. */
function hasBadBase64Message(req: Called): boolean {
  if (req.method !== "GET") return false;
  const query = new URLSearchParams((req.url ?? "").split("?")[1] ?? "");
  if (query.get("base64") !== "1") return false;
  try {
    base64Decode(query.get("message") ?? "");
    return false;
  } catch {
    return true;
  }
}

function headerOf(headers: OutgoingHttpHeaders | undefined, name: string) {
  for (const key in headers) if (key.toLowerCase() === name) return headers[key];
  return undefined;
}

function withoutHeader(headers: OutgoingHttpHeaders, name: string, value: number): OutgoingHttpHeaders {
  const rest = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== name));
  return { ...rest, [name]: value };
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    return undefined;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
