/**
 * Checks for single setting values. A parser returns undefined for a value it rejects, and `expects`
 * finishes the sentence "<key> must ..." in the error.
 *
 * Numbers are accepted as numbers (YAML, flags) or as decimal strings (environment, quoted YAML).
 */
export interface ValueParser<T> {
  expects: string;
  parse(raw: unknown): T | undefined;
}

function integer(raw: unknown): number | undefined {
  if (typeof raw === "number") return Number.isSafeInteger(raw) ? raw : undefined;
  if (typeof raw === "string" && /^\s*\d+\s*$/.test(raw)) {
    const value = Number(raw);
    return Number.isSafeInteger(value) ? value : undefined;
  }
  return undefined;
}

function integerIn(min: number, max: number, expects: string): ValueParser<number> {
  return {
    expects,
    parse(raw) {
      const value = integer(raw);
      return value !== undefined && value >= min && value <= max ? value : undefined;
    },
  };
}

function stringMatching(pattern: RegExp, expects: string): ValueParser<string> {
  return { expects, parse: (raw) => (typeof raw === "string" && pattern.test(raw) ? raw : undefined) };
}

/** true/false in YAML and flags; "true", "false", "1", "0" in the environment. */
export const boolean: ValueParser<boolean> = {
  expects: "must be true or false",
  parse(raw) {
    if (typeof raw === "boolean") return raw;
    if (raw === "true" || raw === "1") return true;
    if (raw === "false" || raw === "0") return false;
    return undefined;
  },
};

export const positiveInteger = integerIn(1, Number.MAX_SAFE_INTEGER, "must be a positive integer");
export const nonNegativeInteger = integerIn(0, Number.MAX_SAFE_INTEGER, "must be an integer >= 0");
export const listenPort = integerIn(0, 65535, "must be a port number (0-65535, 0 picks a free one)");
export const redisPort = integerIn(1, 65535, "must be a port number (1-65535)");
export const nonEmptyString = stringMatching(/\S/, "must be a non-empty string");
/** Braces are excluded because keys put the queue name in a Redis hash tag `{...}`. */
export const keyPrefix = stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/, "must be 1-64 of A-Z a-z 0-9 _ . : -");

export const redisUrl: ValueParser<string> = {
  expects: "must be a redis:// or rediss:// URL",
  parse(raw) {
    if (typeof raw !== "string" || !URL.canParse(raw)) return undefined;
    const { protocol } = new URL(raw);
    return protocol === "redis:" || protocol === "rediss:" ? raw : undefined;
  },
};

/** A rejected value as it appears in an error: strings quoted, long values cut. */
export function showValue(raw: unknown): string {
  const shown = JSON.stringify(raw) ?? String(raw);
  return shown.length > 60 ? `${shown.slice(0, 57)}...` : shown;
}
