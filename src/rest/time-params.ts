import { invalidArgument } from "../errors/presque-error.ts";

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90" (seconds), "1.5", "250ms", "90s", "5m", "1h30m", "2d" → milliseconds. */
export function parseDurationMs(text: string, what: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) {
    throw invalidArgument(
      `${what} must be seconds or a duration like 250ms, 90s, 5m, 1h30m; got ${JSON.stringify(text)}`,
    );
  }
  return parts.reduce((ms, [, n, unit]) => ms + Number(n) * (units[unit as string] as number), 0);
}

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
