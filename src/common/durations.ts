const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * "90" (seconds), "1.5", "250ms", "90s", "5m", "1h30m", "2d" → milliseconds. The one duration
 * syntax of presque: REST query parameters and CLI flags both read it here, so they agree.
 * `refuse` makes the error each edge reports (a 400 for REST, a usage error for the CLI).
 */
export function parseDurationMs(text: string, what: string, refuse: (message: string) => Error): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) {
    throw refuse(
      `${what} must be seconds or a duration like 250ms, 90s, 5m, 1h30m; got ${JSON.stringify(text)}`,
    );
  }
  return parts.reduce((ms, [, n, unit]) => ms + Number(n) * (units[unit as string] as number), 0);
}
