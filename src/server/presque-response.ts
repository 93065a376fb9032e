import http from "node:http";
import http2 from "node:http2";
import {
  heldHead,
  type RpcAnswer,
  type RpcKind,
  rpcChunk,
  rpcEndArgs,
  rpcHead,
  rpcKind,
  rpcTrailers,
} from "./rpc-answer.ts";

/*
 * The response classes of presque's HTTP/1.1 and h2c servers (the `ServerResponse` and
 * `Http2ServerResponse` options of createServer). What every response needs is done once, in
 * the class, instead of by wrappers and listeners made for each request.
 */

type Headers = http.OutgoingHttpHeaders | http.OutgoingHttpHeader[];
type Call = (...args: unknown[]) => unknown;

/** What the request observer (metrics/request-observer.ts) keeps on a response. */
export interface ObservedResponse {
  /** Echoed as `x-request-id` with the head; "" until the observer sets it. */
  requestId: string;
  /** performance.now() when the request came in. */
  startedAt: number;
  /** The route template that served it, when the REST router found one (the metrics label). */
  route: string | undefined;
}

/**
 * The id goes out in the head's own headers when it is an object: a setHeader before writeHead
 * would send Node's HTTP/1.1 writeHead down its slower path, merging two sets of headers. The
 * caller's own x-request-id, if any, wins, as it did over a setHeader.
 */
function withRequestId(
  res: ObservedResponse & { setHeader(name: string, value: string): unknown },
  headers: unknown,
) {
  if (res.requestId === "") return headers;
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) {
    res.setHeader("x-request-id", res.requestId);
    return headers;
  }
  // A copy: the caller's object may be shared by other answers.
  return { "x-request-id": res.requestId, ...(headers as Record<string, unknown>) };
}

export class PresqueResponse extends http.ServerResponse implements ObservedResponse, RpcAnswer {
  requestId = "";
  startedAt = 0;
  route: string | undefined = undefined;
  rpcKind: RpcKind = rpcKind.none;
  rpcHeldHead: http.OutgoingHttpHeaders | undefined = undefined;
  rpcErrorBody: string | undefined = undefined;

  // Node's writeHead(status, [reason], [headers]); _implicitHeader (end() without one) calls it too.
  // The adapter, the only writer of an RPC's answer, calls writeHead(status, headers).
  override writeHead(status: number, reason?: string | Headers, headers?: Headers): this {
    if (typeof reason === "string")
      return super.writeHead(status, reason, withRequestId(this, headers) as Headers);
    if (this.rpcKind !== rpcKind.none) {
      const head = rpcHead(this, status, reason as http.OutgoingHttpHeaders | undefined);
      return head === heldHead ? this : this.rpcWriteHead(status, head);
    }
    return super.writeHead(status, withRequestId(this, reason) as http.OutgoingHttpHeaders);
  }

  rpcWriteHead(status: number, headers: http.OutgoingHttpHeaders | undefined): this {
    return super.writeHead(status, withRequestId(this, headers) as http.OutgoingHttpHeaders);
  }

  override write(...args: unknown[]): boolean {
    if (this.rpcKind !== rpcKind.none) args[0] = rpcChunk(this, args[0]);
    return (super.write as Call).apply(this, args) as boolean;
  }

  override end(...args: unknown[]): this {
    const final = this.rpcKind === rpcKind.none ? args : rpcEndArgs(this, args);
    return (super.end as Call).apply(this, final) as this;
  }

  override addTrailers(trailers: http.OutgoingHttpHeaders | readonly [string, string][]): void {
    const plain = this.rpcKind === rpcKind.none || Array.isArray(trailers);
    super.addTrailers(plain ? trailers : rpcTrailers(this, trailers as http.OutgoingHttpHeaders));
  }
}

/**
 * Also: an HTTP/2 error answered before the request body was read (a 401, 405 or 415 decided
 * from the headers) reaches a client that is still sending: curl then stops sending ("HTTP error
 * before end of send") and the stream ends in a PROTOCOL_ERROR instead of the answer (about 1 in
 * 12 on loopback), and Node may reset it. So an error answer waits, headers included, until the
 * rest of the body is read and dropped, then goes out whole. Success answers are not held (a
 * stream's headers must go out at once). The wait is bounded by limits.request_timeout_ms, which
 * resets a stream whose body does not arrive (h2-timeouts.ts).
 */
export class PresqueHttp2Response extends http2.Http2ServerResponse implements ObservedResponse, RpcAnswer {
  requestId = "";
  startedAt = 0;
  route: string | undefined = undefined;
  rpcKind: RpcKind = rpcKind.none;
  rpcHeldHead: http.OutgoingHttpHeaders | undefined = undefined;
  rpcErrorBody: string | undefined = undefined;
  /** The arguments of an error's writeHead, held until the request body is in. */
  #heldHead: unknown[] | undefined = undefined;

  #bodyPending(): boolean {
    return !this.req.readableEnded && !this.req.destroyed;
  }

  #releaseHead(): void {
    const args = this.#heldHead;
    if (args === undefined) return;
    this.#heldHead = undefined;
    this.#writeHeadNow(args);
  }

  #writeHeadNow(args: unknown[]): this {
    // The compatibility writeHead sets its headers one by one anyway: no copy of them needed.
    if (this.requestId !== "") this.setHeader("x-request-id", this.requestId);
    return (super.writeHead as Call).apply(this, args) as this;
  }

  override writeHead(...args: unknown[]): this {
    if (this.rpcKind !== rpcKind.none) {
      const head = rpcHead(this, args[0] as number, args[1] as http.OutgoingHttpHeaders | undefined);
      return head === heldHead ? this : this.rpcWriteHead(args[0] as number, head);
    }
    return this.#holdOrWrite(args);
  }

  rpcWriteHead(status: number, headers: http.OutgoingHttpHeaders | undefined): this {
    return this.#holdOrWrite(headers === undefined ? [status] : [status, headers]);
  }

  #holdOrWrite(args: unknown[]): this {
    const status = args[0] as number;
    // A 408 (limits.request_timeout_ms) is the answer to a body that is not coming: no wait.
    if (status < 400 || status === 408 || !this.#bodyPending()) return this.#writeHeadNow(args);
    this.#heldHead = args;
    return this;
  }

  override write(...args: unknown[]): boolean {
    if (this.rpcKind !== rpcKind.none) args[0] = rpcChunk(this, args[0]);
    this.#releaseHead();
    return (super.write as Call).apply(this, args) as boolean;
  }

  override addTrailers(trailers: http.OutgoingHttpHeaders): void {
    super.addTrailers(this.rpcKind === rpcKind.none ? trailers : rpcTrailers(this, trailers));
  }

  override end(...given: unknown[]): this {
    const args = this.rpcKind === rpcKind.none ? given : rpcEndArgs(this, given);
    if (!this.#bodyPending() || this.statusCode === 408) {
      this.#releaseHead();
      return (super.end as Call).apply(this, args) as this;
    }
    const req = this.req;
    req.resume();
    let ended = false;
    const finish = () => {
      if (ended) return;
      ended = true;
      this.#releaseHead();
      (super.end as Call).apply(this, args);
    };
    req.once("end", finish);
    req.once("close", finish);
    return this;
  }
}
