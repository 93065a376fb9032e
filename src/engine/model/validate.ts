import type { Limits } from "../../config/config.ts";
import { invalidArgument } from "../../errors/presque-error.ts";

/** Characters allowed in queue names: no braces (keys use `{queue}` hash tags), no slashes (URLs). */
const queueNamePattern = /^[A-Za-z0-9_.:-]+$/;
const jobIdPattern = /^[1-9][0-9]{0,15}$/;
export const maxPriority = 1000;
const traceparentPattern = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const maxDelayMs = 10 * 365 * 24 * 3600 * 1000;

/** The checks every edge shares, so REST and RPC answer bad input with the same words. */
export function createValidator(limits: Limits) {
  /** Queue and schedule names: they become parts of Redis keys and of URLs. */
  const checkName = (name: string, what: string): string => {
    if (name.length === 0) throw invalidArgument(`${what} is missing`);
    if (name.length > limits.maxQueueNameLength) {
      throw invalidArgument(`${what} is longer than ${limits.maxQueueNameLength} characters`);
    }
    if (!queueNamePattern.test(name)) {
      throw invalidArgument(
        `${what} ${JSON.stringify(name)} may only contain letters, digits, underscore, dot, colon and hyphen`,
      );
    }
    // URLs resolve these segments away (/q/.. is /), so REST could never reach such a queue.
    if (name === "." || name === "..") throw invalidArgument(`${what} cannot be ${JSON.stringify(name)}`);
    return name;
  };
  return {
    /** The limits these checks enforce, for the parts that size their own work by them. */
    limits: limits as Readonly<Limits>,
    queueName: (name: string) => checkName(name, "queue name"),
    scheduleName: (name: string) => checkName(name, "schedule name"),

    /** A payload's JSON text: no deeper than every RPC client can decode (limits.max_payload_depth). */
    payload: (json: string, what = "payload") => checkPayloadDepth(json, limits.maxPayloadDepth, what),

    jobId(id: string): string {
      if (!jobIdPattern.test(id)) throw invalidArgument(`job id ${JSON.stringify(id)} is not a job id`);
      return id;
    },

    leaseToken(token: string): string {
      if (token === "") throw invalidArgument("lease token is missing");
      return token;
    },

    priority(priority: number): number {
      if (!Number.isInteger(priority) || Math.abs(priority) > maxPriority) {
        throw invalidArgument(`priority must be an integer from -${maxPriority} to ${maxPriority}`);
      }
      return priority;
    },

    delayMs(delayMs: number, what = "delay"): number {
      if (!Number.isFinite(delayMs) || delayMs < 0 || delayMs > maxDelayMs) {
        throw invalidArgument(`${what} must be between 0 and 10 years`);
      }
      return Math.round(delayMs);
    },

    /** An absolute time in ms since the epoch, within a sane range. */
    timestamp(ms: number, what: string): number {
      if (!Number.isFinite(ms) || ms < 0 || ms > Date.UTC(9999, 0))
        throw invalidArgument(`${what} is not a valid time`);
      return Math.round(ms);
    },

    maxAttempts(n: number): number {
      if (!Number.isInteger(n) || n < 1 || n > 1000)
        throw invalidArgument("max_attempts must be an integer from 1 to 1000");
      return n;
    },

    /** A client-chosen key (unique key, idempotency key): 1 to 256 characters. */
    optionalKey(key: string | undefined, what: string): string | undefined {
      if (key === undefined) return undefined;
      if (key.length === 0 || key.length > 256) throw invalidArgument(`${what} must be 1 to 256 characters`);
      return key;
    },

    /** W3C trace context: a malformed header is dropped, as the spec asks, not refused. */
    traceparent(value: string | undefined): string | undefined {
      return value !== undefined && traceparentPattern.test(value) ? value : undefined;
    },

    batchSize(count: number, what: string): number {
      if (!Number.isInteger(count) || count < 1 || count > limits.maxBatchSize) {
        throw invalidArgument(`${what} must be from 1 to ${limits.maxBatchSize}`);
      }
      return count;
    },

    leaseMs(ms: number): number {
      if (!Number.isFinite(ms) || ms <= 0 || ms > limits.maxLeaseMs) {
        throw invalidArgument(`lease must be more than 0 and at most ${limits.maxLeaseMs / 1000} seconds`);
      }
      return Math.ceil(ms);
    },

    waitMs(ms: number): number {
      if (!Number.isFinite(ms) || ms < 0 || ms > limits.maxWaitMs) {
        throw invalidArgument(`wait must be from 0 to ${limits.maxWaitMs / 1000} seconds`);
      }
      return Math.round(ms);
    },
  };
}

export type Validator = ReturnType<typeof createValidator>;

/** Refuses a JSON text nested deeper than max, in the same words on every edge. */
export function checkPayloadDepth(json: string, max: number, what = "payload"): string {
  if (jsonDepthExceeds(json, max)) throw payloadTooDeep(what, max);
  return json;
}

export const payloadTooDeep = (what: string, max: number) =>
  invalidArgument(`${what} nests arrays and objects deeper than ${max} levels (limits.max_payload_depth)`);

/**
 * Whether a JSON text nests arrays and objects deeper than max (`1` is 0 deep, `[{"a":1}]` 2).
 * A scan of the text, not a walk of parsed values: a payload cannot overflow the stack.
 */
export function jsonDepthExceeds(json: string, max: number): boolean {
  // Deeper than max takes more than max opening brackets. Most payloads have far fewer, and
  // counting every "{" and "[" (strings included) with indexOf, a native search, is much cheaper
  // than reading the text character by character.
  if (json.length <= max || fewBrackets(json, max)) return false;
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x22) i = closingQuote(json, i);
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** At most max characters "{" and "[" in the text. */
function fewBrackets(json: string, max: number): boolean {
  if (max === Number.POSITIVE_INFINITY) return true;
  let count = 0;
  for (let i = json.indexOf("{"); i !== -1; i = json.indexOf("{", i + 1)) if (++count > max) return false;
  for (let i = json.indexOf("["); i !== -1; i = json.indexOf("[", i + 1)) if (++count > max) return false;
  return true;
}

/**
 * The index of the quote that closes the string opening at `open` (one not escaped: an even
 * number of backslashes before it), or the text's last index when it is not closed.
 */
export function closingQuote(text: string, open: number): number {
  for (let at = text.indexOf('"', open + 1); at !== -1; at = text.indexOf('"', at + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
  return text.length - 1;
}
