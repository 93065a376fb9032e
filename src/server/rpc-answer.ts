import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import type { Http2ServerRequest } from "node:http2";
import { decodeErrorAnswer, grpcTrailers, grpcWebChunk, holdsErrorHead } from "../rpc/decode-errors.ts";
import { frameworkErrorAnswer } from "./framework-errors.ts";

/*
 * The corrections presque makes to what the Connect adapter writes (decode errors as 400 /
 * INVALID_ARGUMENT, rpc/decode-errors.ts; bodies for its bodiless 405/415, framework-errors.ts),
 * done by presque's response classes (presque-response.ts) when the handler marks a response as
 * an RPC's: one field set per call, no methods patched and no closures made per call.
 */

/** What an RPC answer can carry a correction in, by the request's content type. */
export const rpcKind = {
  /** Not an RPC: nothing is looked at. */
  none: 0,
  /** Connect (and anything else the adapter answers): the head only. */
  connect: 1,
  /** gRPC: also its trailers. */
  grpc: 2,
  /** gRPC-Web: also its status frame, the last chunk of the body. */
  grpcWeb: 3,
} as const;
export type RpcKind = (typeof rpcKind)[keyof typeof rpcKind];

export function rpcKindOf(contentType: string | undefined): RpcKind {
  if (contentType === undefined || !/grpc/i.test(contentType)) return rpcKind.connect;
  if (/^application\/grpc-web/i.test(contentType)) return rpcKind.grpcWeb;
  return /^application\/grpc/i.test(contentType) ? rpcKind.grpc : rpcKind.connect;
}

/** The fields and the one method a response class keeps for these corrections. */
export interface RpcAnswer {
  rpcKind: RpcKind;
  /** A 500 JSON head held until its body shows whether it is a decode error. */
  rpcHeldHead: OutgoingHttpHeaders | undefined;
  /** A framework error's JSON body, sent in place of the empty end() that follows its head. */
  rpcErrorBody: string | undefined;
  readonly req: IncomingMessage | Http2ServerRequest;
  getHeader(name: string): unknown;
  /** Writes a head as the class would without these corrections. */
  rpcWriteHead(status: number, headers: OutgoingHttpHeaders | undefined): unknown;
}

/** rpcHead's answer for a head it holds back. */
export const heldHead: OutgoingHttpHeaders = Object.freeze({});

/** The head to write for the adapter's writeHead(status, headers), or heldHead. */
export function rpcHead(
  res: RpcAnswer,
  status: number,
  headers: OutgoingHttpHeaders | undefined,
): OutgoingHttpHeaders | undefined {
  if (holdsErrorHead(status, headers)) {
    res.rpcHeldHead = headers ?? {};
    return heldHead;
  }
  if (status !== 405 && status !== 415) return headers;
  const answer = frameworkErrorAnswer(res.req, res, status, headers);
  if (answer === undefined) return headers;
  res.rpcErrorBody = answer.body;
  return answer.headers;
}

/** The chunk to write in place of `chunk`; a held head goes out first (as a 400 for a decode error). */
export function rpcChunk(res: RpcAnswer, chunk: unknown): unknown {
  const held = res.rpcHeldHead;
  if (held !== undefined) {
    res.rpcHeldHead = undefined;
    const answer = decodeErrorAnswer(res.req, held, chunk);
    res.rpcWriteHead(answer ? 400 : 500, answer ? answer.headers : held);
    return answer ? answer.body : chunk;
  }
  return res.rpcKind === rpcKind.grpcWeb ? grpcWebChunk(res.req, chunk) : chunk;
}

/** The arguments for end(...args): a held head goes out first; end() or end(callback) carries the error body. */
export function rpcEndArgs(res: RpcAnswer, args: unknown[]): unknown[] {
  const held = res.rpcHeldHead;
  if (held !== undefined) {
    res.rpcHeldHead = undefined;
    res.rpcWriteHead(500, held);
  }
  const body = res.rpcErrorBody;
  if (body === undefined) return args;
  res.rpcErrorBody = undefined;
  // nothing was written after the bodiless head, so the JSON goes out instead
  return args.length === 0 || typeof args[0] === "function" ? [body, ...args] : args;
}

export function rpcTrailers(res: RpcAnswer, trailers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  return res.rpcKind === rpcKind.grpc ? grpcTrailers(res.req, trailers) : trailers;
}
