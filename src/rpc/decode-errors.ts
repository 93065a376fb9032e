import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import type { Http2ServerRequest } from "node:http2";
import { base64Decode } from "@bufbuild/protobuf/wire";
import { Code } from "@connectrpc/connect";
import { codeName, isRequestDecodeError } from "../errors/error-table.ts";

/*
 * connect-es decodes a unary request before any interceptor runs and answers what it cannot
 * decode (random bytes, a truncated varint, a length past the end, a wrong wire type, invalid
 * UTF-8 in a string) as 500 / grpc-status 13 "parse binary: ...", and bad base64 in a Connect GET
 * as a bare "internal error". Those are the client's fault: this turns them into 400 /
 * INVALID_ARGUMENT on the response, the only place left to see them. Streaming calls decode
 * inside the interceptor, where error-table's toConnectError maps them.
 */

type Request = IncomingMessage | Http2ServerRequest;
interface Response {
  writeHead(status: number, headers?: OutgoingHttpHeaders): unknown;
  write(chunk: unknown, ...args: unknown[]): boolean;
  end(...args: unknown[]): unknown;
  addTrailers(trailers: OutgoingHttpHeaders): void;
}

const grpcStatusLine = /^grpc-status: ?13\r?$/m;

/**
 * Patches a response (Node's HTTP/1.1 or HTTP/2 compatibility one) before the adapter writes it.
 * Per request it patches only what can carry a decode error for that request's protocol:
 * writeHead always (a Connect or REST 500), write and end once such a head is held, write for
 * gRPC-Web (its status frame), addTrailers for gRPC.
 */
export function mapDecodeErrors(req: Request, response: object): void {
  const res = response as Response;
  const contentType = String(req.headers["content-type"] ?? "");
  const badBase64 = req.method === "GET" && hasBadBase64Message(req.url ?? "");
  const isDecodeError = (code: Code, message: string) =>
    isRequestDecodeError(code, message) || (badBase64 && code === Code.Internal);
  const writeHead = res.writeHead.bind(res);
  res.writeHead = (status, headers) => {
    if (status === 500 && /^application\/json/.test(String(headerOf(headers, "content-type") ?? ""))) {
      // A Connect unary error is one JSON chunk after a 500: hold the head until the body is seen.
      holdErrorHead(res, writeHead, headers ?? {}, isDecodeError, badBase64);
      return res;
    }
    return writeHead(status, headers);
  };
  if (/^application\/grpc-web/i.test(contentType)) {
    const write = res.write.bind(res);
    res.write = (chunk, ...args) =>
      // gRPC-Web carries its status in a last frame of the body (flag 0x80).
      chunk instanceof Uint8Array && chunk[0] === 0x80
        ? write(grpcWebTrailer(chunk, isDecodeError), ...args)
        : write(chunk, ...args);
  } else if (/^application\/grpc/i.test(contentType)) {
    const addTrailers = res.addTrailers.bind(res);
    res.addTrailers = (trailers) => {
      const status = headerOf(trailers, "grpc-status");
      const text = safeDecode(String(headerOf(trailers, "grpc-message") ?? ""));
      if (String(status) === String(Code.Internal) && isDecodeError(Code.Internal, text)) {
        addTrailers({ ...trailers, "grpc-status": String(Code.InvalidArgument) });
        return;
      }
      addTrailers(trailers);
    };
  }
}

/** Holds a 500 JSON head until its body shows whether it is a decode error (then: 400). */
function holdErrorHead(
  res: Response,
  writeHead: Response["writeHead"],
  headers: OutgoingHttpHeaders,
  isDecodeError: (code: Code, message: string) => boolean,
  badBase64: boolean,
): void {
  const write = res.write.bind(res);
  const end = res.end.bind(res);
  let held: OutgoingHttpHeaders | undefined = headers;
  const release = () => {
    if (held) writeHead(500, held);
    held = undefined;
  };
  res.write = (chunk, ...args) => {
    if (held && chunk instanceof Uint8Array) {
      const error = parseJson(chunk) as { code?: unknown; message?: unknown } | undefined;
      if (
        error?.code === "internal" &&
        typeof error.message === "string" &&
        isDecodeError(Code.Internal, error.message)
      ) {
        const body = JSON.stringify({
          code: codeName(Code.InvalidArgument),
          message: badBase64 ? "message is not valid base64" : error.message,
        });
        writeHead(400, withoutHeader(held, "content-length", Buffer.byteLength(body)));
        held = undefined;
        return write(body, ...args);
      }
    }
    release();
    return write(chunk, ...args);
  };
  res.end = (...args) => {
    release();
    return end(...args);
  };
}

/** The gRPC-Web trailer frame with status 13 turned into 3 when its message is a decode error. */
function grpcWebTrailer(
  frame: Uint8Array,
  isDecodeError: (code: Code, message: string) => boolean,
): Uint8Array {
  const text = Buffer.from(frame.subarray(5)).toString("latin1");
  const message = /^grpc-message: ?(.*?)\r?$/m.exec(text)?.[1] ?? "";
  if (!grpcStatusLine.test(text) || !isDecodeError(Code.Internal, safeDecode(message))) return frame;
  const trailer = Buffer.from(
    text.replace(grpcStatusLine, `grpc-status: ${Code.InvalidArgument}\r`),
    "latin1",
  );
  const head = Buffer.alloc(5);
  head[0] = 0x80;
  head.writeUInt32BE(trailer.length, 1);
  return Buffer.concat([head, trailer]);
}

/** A Connect GET with base64=1 whose message connect-es cannot decode. */
function hasBadBase64Message(url: string): boolean {
  const query = new URLSearchParams(url.split("?")[1] ?? "");
  if (query.get("base64") !== "1") return false;
  try {
    base64Decode(query.get("message") ?? "");
    return false;
  } catch {
    return true;
  }
}

function headerOf(headers: OutgoingHttpHeaders | undefined, name: string) {
  const key = Object.keys(headers ?? {}).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers?.[key];
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
