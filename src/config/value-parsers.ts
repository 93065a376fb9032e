import { type ApiKeyEntry, hashPattern, keyNamePattern } from "../auth/api-key.ts";
import { parseScope } from "../auth/scope.ts";

/**
 * Checks for single setting values. A parser returns undefined for a value it rejects, and `expects`
 * finishes the sentence "<key> must ..." in the error.
 *
 * Numbers are accepted as numbers (YAML, flags) or as decimal strings (environment, quoted YAML).
 */
export interface ValueParser<T> {
  expects: string;
  parse(raw: unknown): T | undefined;
  /** Why a rejected value is wrong, more precisely than `expects` (the error uses it instead). */
  explain?(raw: unknown): string | undefined;
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

/** A YAML list of non-empty strings, or (environment) one string of comma-separated items. */
function listOf(item: ValueParser<string>, expects: string): ValueParser<string[]> {
  return {
    expects,
    parse(raw) {
      const items = typeof raw === "string" ? raw.split(",").map((part) => part.trim()) : raw;
      if (!Array.isArray(items)) return undefined;
      const parsed = items.map((entry) => item.parse(entry));
      return parsed.every((entry) => entry !== undefined) ? parsed : undefined;
    },
  };
}

const hostName = stringMatching(/^(\*|[A-Za-z0-9.:_-]+|\[[0-9A-Fa-f:.]+\])$/, "be a host name");
export const hostNames = listOf(hostName, "must be a list of host names (or *), e.g. [queue.example.com]");

const origin: ValueParser<string> = {
  expects: "be an origin",
  parse(raw) {
    if (typeof raw !== "string" || !URL.canParse(raw)) return undefined;
    const url = new URL(raw);
    return (url.protocol === "http:" || url.protocol === "https:") && url.origin === raw ? raw : undefined;
  },
};
export const origins = listOf(
  origin,
  "must be a list of origins (scheme://host[:port], no path), e.g. [https://app.example.com]",
);

/** auth.keys: [{name, hash, scopes: [...]}], as `presque keys create` prints them. */
export const apiKeys: ValueParser<ApiKeyEntry[]> = {
  expects: 'must be a list of {name, hash: "sha256:...", scopes: [...]} (see presque keys create)',
  parse(raw) {
    return apiKeyProblem(raw) === undefined
      ? (raw as ApiKeyEntry[]).map((entry) => ({ ...entry }))
      : undefined;
  },
  explain: (raw) => apiKeyProblem(raw),
};

function apiKeyProblem(raw: unknown): string | undefined {
  if (!Array.isArray(raw)) return `${apiKeys.expects}, got ${showValue(raw)}`;
  const names = new Set<string>();
  for (const [index, entry] of raw.entries()) {
    const problem = entryProblem(entry);
    if (problem !== undefined) return `entry ${index + 1}: ${problem}`;
    const name = (entry as ApiKeyEntry).name;
    if (names.has(name)) return `entry ${index + 1}: name ${JSON.stringify(name)} is used twice`;
    names.add(name);
  }
  return undefined;
}

function entryProblem(raw: unknown): string | undefined {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return `must be a map {name, hash, scopes}, got ${showValue(raw)}`;
  }
  const { name, hash, scopes, ...rest } = raw as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) return `unknown key ${JSON.stringify(unknown[0])} (known: name, hash, scopes)`;
  if (typeof name !== "string" || !keyNamePattern.test(name)) {
    return `name must be 1-64 of A-Z a-z 0-9 _ . @ -, got ${showValue(name)}`;
  }
  if (typeof hash !== "string" || !hashPattern.test(hash)) {
    return `hash must be "sha256:" and 64 hex digits (presque keys create prints it), got ${showValue(hash)}`;
  }
  if (!Array.isArray(scopes) || scopes.length === 0) return "scopes must be a non-empty list";
  for (const scope of scopes) {
    if (typeof scope !== "string") return `scopes must be strings, got ${showValue(scope)}`;
    const parsed = parseScope(scope);
    if (typeof parsed === "string") return parsed;
  }
  return undefined;
}
