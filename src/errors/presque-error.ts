/** What went wrong, in terms a client can act on. Mapped to wire codes in error-table.ts only. */
export type ErrorKind =
  | "invalid_argument"
  | "payload_too_large"
  | "not_found"
  | "route_not_found"
  | "method_not_allowed"
  | "stale_lease"
  | "already_exists"
  | "idempotency_mismatch"
  | "queue_full"
  | "queue_stopped"
  | "not_delayed"
  | "unavailable"
  | "unauthenticated"
  | "permission_denied"
  | "too_many_auth_failures"
  | "unsupported_media_type"
  | "internal";

/** An error presque expects and explains; anything else is a bug and becomes "internal". */
export class PresqueError extends Error {
  readonly kind: ErrorKind;
  /** When the client may try again (REST: Retry-After), if presque knows. */
  readonly retryAfterSeconds: number | undefined;

  constructor(kind: ErrorKind, message: string, retryAfterSeconds?: number) {
    super(message);
    this.name = "PresqueError";
    this.kind = kind;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export const invalidArgument = (message: string) => new PresqueError("invalid_argument", message);
