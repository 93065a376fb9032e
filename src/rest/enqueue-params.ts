import type { EnqueueOptions } from "../engine/model/job.ts";
import { invalidArgument } from "../errors/presque-error.ts";
import type { Request } from "./http-io.ts";
import { numberParam } from "./query-params.ts";
import { parseDurationMs, parseTimeMs } from "./time-params.ts";

const header = (req: Request, name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * Enqueue options from a REST request. Query: priority, delay (seconds or 5m), delayed (presque's
 * epoch seconds), run_at and expires_at (RFC 3339), uniq (presque), max_attempts.
 * Headers: Idempotency-Key, traceparent.
 */
export const enqueueParamNames = [
  "priority",
  "delay",
  "delayed",
  "run_at",
  "expires_at",
  "uniq",
  "max_attempts",
];

export function enqueueParams(req: Request, query: URLSearchParams): EnqueueOptions {
  // Most enqueues give no parameter: skip the lookups and the checks of each.
  if (query.size === 0) {
    return {
      priority: undefined,
      delayMs: undefined,
      runAtMs: undefined,
      expiresAtMs: undefined,
      maxAttempts: undefined,
      unique: undefined,
      idempotencyKey: header(req, "idempotency-key"),
      traceparent: header(req, "traceparent"),
    };
  }
  const delay = query.get("delay");
  const delayed = numberParam(query, "delayed");
  const runAt = query.get("run_at");
  if ([delay, delayed, runAt].filter((v) => v !== null && v !== undefined).length > 1) {
    throw invalidArgument("give one of delay, delayed and run_at");
  }
  const expiresAt = query.get("expires_at");
  return {
    priority: numberParam(query, "priority"),
    delayMs: delay === null ? undefined : parseDurationMs(delay, "delay"),
    runAtMs:
      runAt !== null ? parseTimeMs(runAt, "run_at") : delayed === undefined ? undefined : delayed * 1000,
    expiresAtMs: expiresAt === null ? undefined : parseTimeMs(expiresAt, "expires_at"),
    maxAttempts: numberParam(query, "max_attempts"),
    unique: query.get("uniq") ?? undefined,
    idempotencyKey: header(req, "idempotency-key"),
    traceparent: header(req, "traceparent"),
  };
}
