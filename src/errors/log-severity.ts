import { redisUnavailableReason } from "./error-table.ts";
import { PresqueError } from "./presque-error.ts";

/**
 * How loud a failure belongs in the log. "error" is a bug worth a stack. "warn" is Redis being
 * away or too slow: an outage to watch, already answered 503, one message without a stack.
 * "none": the client's own doing (an expected PresqueError, or a client that went away), which
 * the request line (status, duration) already tells.
 */
export type LogSeverity = "error" | "warn" | "none";

export function logSeverity(error: unknown): LogSeverity {
  if (error instanceof PresqueError) return error.kind === "unavailable" ? "warn" : "none";
  if (redisUnavailableReason(error) !== undefined) return "warn";
  return "error";
}

/**
 * A request body cut off by the client: Node's IncomingMessage fails the read with "aborted"
 * (ECONNRESET), an HTTP/2 stream with a reset (ERR_HTTP2_STREAM_ERROR / ERR_STREAM_PREMATURE_CLOSE).
 */
export function isClientAbort(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (error.message === "aborted" && code === "ECONNRESET") return true;
  return code === "ERR_HTTP2_STREAM_ERROR" || code === "ERR_STREAM_PREMATURE_CLOSE";
}

/** The text a "warn" line carries: the reason, not a stack. */
export function warnText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
