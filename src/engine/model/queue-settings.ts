import { invalidArgument } from "../../errors/presque-error.ts";

/** Per-queue settings, stored in the queue's settings HASH; absent fields take the defaults. */
export interface QueueSettings {
  /** Most waiting (ready + delayed) jobs; 0 = no limit. Past it, enqueue is refused (429). */
  maxLength: number;
  /** Lease when a consumer asks for one without a length. */
  leaseMs: number;
  /** Deliveries before a failing job goes to dead letters (a job may carry its own). */
  maxAttempts: number;
  /** Delay before a retry: exponential (with jitter), fixed, or none. */
  backoff: "exponential" | "fixed" | "none";
  /** Exponential: first delay (doubling each attempt); fixed: the delay. */
  backoffBaseMs: number;
  /** Exponential: the longest delay. */
  backoffMaxMs: number;
  /** Finished jobs kept for inspection; 0 = none (the default: acked jobs are deleted). */
  completedKeepCount: number;
  completedKeepMs: number;
  /** Dead letters kept: at most this many, for at most this long. */
  deadKeepCount: number;
  deadKeepMs: number;
}

const day = 24 * 3600 * 1000;

export function defaultQueueSettings(defaultLeaseMs: number): QueueSettings {
  return {
    maxLength: 0,
    leaseMs: defaultLeaseMs,
    maxAttempts: 10,
    backoff: "exponential",
    backoffBaseMs: 1000,
    backoffMaxMs: 3600 * 1000,
    completedKeepCount: 0,
    completedKeepMs: day,
    deadKeepCount: 10_000,
    deadKeepMs: 30 * day,
  };
}

const backoffs = ["exponential", "fixed", "none"];
const maxima: Record<Exclude<keyof QueueSettings, "backoff">, number> = {
  maxLength: 1e9,
  leaseMs: 12 * 3600 * 1000,
  maxAttempts: 1000,
  backoffBaseMs: 7 * day,
  backoffMaxMs: 30 * day,
  completedKeepCount: 1e6,
  completedKeepMs: 365 * day,
  deadKeepCount: 1e6,
  deadKeepMs: 365 * day,
};

/** Checks a partial update; `null` resets a setting to the default. Returns what to store and drop. */
export function checkSettingsUpdate(update: Record<string, unknown>): {
  set: Record<string, string>;
  reset: string[];
} {
  const set: Record<string, string> = {};
  const reset: string[] = [];
  for (const [name, value] of Object.entries(update)) {
    if (value === null || value === undefined) {
      if (!(name in maxima) && name !== "backoff")
        throw invalidArgument(`unknown queue setting ${JSON.stringify(name)}`);
      reset.push(name);
    } else if (name === "backoff") {
      if (typeof value !== "string" || !backoffs.includes(value)) {
        throw invalidArgument(`backoff must be one of ${backoffs.join(", ")}`);
      }
      set[name] = value;
    } else if (name in maxima) {
      const max = maxima[name as keyof typeof maxima];
      const minimum = name === "leaseMs" || name === "maxAttempts" ? 1 : 0;
      if (typeof value !== "number" || !Number.isInteger(value) || value < minimum || value > max) {
        throw invalidArgument(`${name} must be an integer from ${minimum} to ${max}`);
      }
      set[name] = String(value);
    } else {
      throw invalidArgument(`unknown queue setting ${JSON.stringify(name)}`);
    }
  }
  return { set, reset };
}

/** Stored fields over defaults. */
export function mergeSettings(defaults: QueueSettings, stored: Record<string, string>): QueueSettings {
  const merged: QueueSettings = { ...defaults };
  for (const [name, value] of Object.entries(stored)) {
    if (name === "backoff") merged.backoff = value as QueueSettings["backoff"];
    else if (name in maxima) merged[name as keyof typeof maxima] = Number(value);
  }
  return merged;
}
