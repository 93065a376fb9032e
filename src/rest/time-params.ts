import { parseDurationMs as parseDuration } from "../common/durations.ts";
import { invalidArgument } from "../errors/presque-error.ts";

/** The shared duration parser, refusing with a 400. */
export const parseDurationMs = (text: string, what: string): number =>
  parseDuration(text, what, invalidArgument);

/** An RFC 3339 time (2026-11-28T10:00:00Z) → ms since the epoch. */
export function parseTimeMs(text: string, what: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(text)
    ? Date.parse(text)
    : Number.NaN;
  if (Number.isNaN(ms))
    throw invalidArgument(
      `${what} must be an RFC 3339 time like 2026-11-28T10:00:00Z; got ${JSON.stringify(text)}`,
    );
  return ms;
}
