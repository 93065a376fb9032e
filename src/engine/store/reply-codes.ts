/**
 * The status codes Lua scripts reply with, one table for every script (like the error table):
 * a code means the same thing wherever it appears. The script loader puts this table in front of
 * every script as `local R = {...}`, so Lua writes `R.staleLease` and never a bare literal.
 */
export const replyCodes = {
  /** Done as asked. */
  ok: "ok",
  /** No such job (or worker). */
  notFound: "not_found",
  /** The job is not leased under this token: fencing refused the change. */
  staleLease: "stale_lease",
  /** promote: the job is not delayed. */
  notDelayed: "not_delayed",
  /** fetch: the queue is stopped. */
  stopped: "stopped",
  /** enqueue: the idempotency key was seen; the reply carries the first request's ids. */
  duplicate: "duplicate",
  /** enqueue: the idempotency key was used for a different request. */
  mismatch: "mismatch",
  /** enqueue: the unique key is held by a queued or leased job. */
  uniqueHeld: "unique_held",
  /** enqueue: the queue holds its maximum of waiting jobs. */
  full: "full",
  /** enqueue: the job's expires_at is already past. */
  expired: "expired",
  /** fireSchedule: the tick was fired by someone else, or the schedule is gone. */
  notDue: "not_due",
} as const;

export type ReplyCode = (typeof replyCodes)[keyof typeof replyCodes];

/** The Lua prelude: `local R = { ok = 'ok', ... }`. */
export function replyCodesLua(): string {
  const fields = Object.entries(replyCodes).map(([name, code]) => `${name} = '${code}'`);
  return `local R = { ${fields.join(", ")} }\n`;
}

/** A reply code the wrapper does not know: the script and its wrapper disagree (a bug). */
export function unexpected(script: string, code: unknown): Error {
  return new Error(`${script} replied with unknown code ${JSON.stringify(code)}`);
}
