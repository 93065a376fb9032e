import { Code, ConnectError } from "@connectrpc/connect";
import { type ErrorKind, PresqueError } from "./presque-error.ts";

interface WireError {
  /** The Connect code; its name is the `code` of the JSON error on REST and Connect alike. */
  code: Code;
  /** The status the REST layer answers with. */
  httpStatus: number;
}

/** The one table from error kinds to wire codes. */
export function wireError(kind: ErrorKind): WireError {
  switch (kind) {
    case "invalid_argument":
      return { code: Code.InvalidArgument, httpStatus: 400 };
    case "payload_too_large":
      return { code: Code.ResourceExhausted, httpStatus: 413 };
    case "not_found":
      return { code: Code.NotFound, httpStatus: 404 };
    case "route_not_found":
      return { code: Code.NotFound, httpStatus: 404 };
    case "method_not_allowed":
      return { code: Code.Unimplemented, httpStatus: 405 };
    case "stale_lease": // someone else holds the job now: retrying will not help
      return { code: Code.FailedPrecondition, httpStatus: 409 };
    case "already_exists": // presque's ?uniq=: a job with this key is queued or in flight
      return { code: Code.AlreadyExists, httpStatus: 409 };
    case "idempotency_mismatch": // the same key for another request: a client bug, not a retry
      return { code: Code.FailedPrecondition, httpStatus: 422 };
    case "queue_full": // the queue's max_length: retry later
      return { code: Code.ResourceExhausted, httpStatus: 429 };
    case "not_delayed":
      return { code: Code.FailedPrecondition, httpStatus: 409 };
    case "queue_stopped":
      return { code: Code.FailedPrecondition, httpStatus: 409 };
    case "unavailable": // Redis is unreachable: retry later
      return { code: Code.Unavailable, httpStatus: 503 };
    case "unauthenticated": // no API key, or one presque does not know
      return { code: Code.Unauthenticated, httpStatus: 401 };
    case "permission_denied": // the key lacks the scope, or the request came from another site
      return { code: Code.PermissionDenied, httpStatus: 403 };
    case "too_many_auth_failures": // this address guessed wrong too often: wait out the window
      return { code: Code.ResourceExhausted, httpStatus: 429 };
    case "unsupported_media_type": // a content type a cross-site form can send, refused with auth on
      return { code: Code.InvalidArgument, httpStatus: 415 };
    case "internal":
      return { code: Code.Internal, httpStatus: 500 };
  }
}

/** Connect's own JSON spelling of a code ("invalid_argument"), shared by REST errors. */
export function codeName(code: Code): string {
  return Code[code].replace(/[A-Z]/g, (c, i: number) => (i === 0 ? c.toLowerCase() : `_${c.toLowerCase()}`));
}

export function toPresqueError(error: unknown): PresqueError {
  if (error instanceof PresqueError) return error;
  const unavailable = redisUnavailableReason(error);
  if (unavailable) return new PresqueError("unavailable", unavailable);
  return new PresqueError("internal", "internal error");
}

/** connect-es calls a request body it cannot decode "internal" ("parse binary: ..."): it is the client's fault. */
export function isRequestDecodeError(code: Code, message: string): boolean {
  return code === Code.Internal && message.startsWith("parse binary: ");
}

export function toConnectError(error: unknown): ConnectError {
  if (error instanceof ConnectError && isRequestDecodeError(error.code, error.rawMessage)) {
    return new ConnectError(error.rawMessage, Code.InvalidArgument, undefined, undefined, error);
  }
  if (error instanceof ConnectError) return error;
  const presque = toPresqueError(error);
  return new ConnectError(presque.message, wireError(presque.kind).code, undefined, undefined, error);
}

/**
 * Redis answers that mean "not now" rather than "broken": unreachable, loading its data after a
 * restart, busy with a long script, a read-only replica, out of memory under noeviction.
 */
export function redisUnavailableReason(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const message = error.message;
  if (/^OOM /.test(message)) return "redis is out of memory (maxmemory reached), retry later";
  if (/^(LOADING|BUSY|READONLY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN) /.test(message)) {
    return `redis cannot take writes now (${message.split(" ")[0]}), retry later`;
  }
  // ioredis' commandTimeout: the command was sent (or queued) and may still run when Redis wakes.
  if (message === "Command timed out") {
    return "redis did not answer in time; the request may still take effect, retry later (an enqueue with the same Idempotency-Key)";
  }
  if (/Connection is closed|ECONNREFUSED|ECONNRESET|max retries|Stream isn't writeable/i.test(message)) {
    return "redis is unavailable, retry later";
  }
  return undefined;
}
