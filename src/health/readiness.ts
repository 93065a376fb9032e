import type { RedisHealth } from "../engine/store/redis-health.ts";

export interface ReadinessReport {
  ready: boolean;
  /** One entry per check: "ok" or what is wrong. */
  checks: { redis: string; scripts: string };
}

export type Readiness = () => Promise<ReadinessReport>;

/** A probe that hangs is a failed probe: answer within this time, whatever Redis does. */
const checkTimeoutMs = 2000;

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${checkTimeoutMs} ms`)),
      checkTimeoutMs,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Ready means Redis answers and knows every Lua script. ioredis would load a missing script on
 * first use anyway (EVALSHA, then EVAL), so a Redis that lost its script cache (restart, SCRIPT
 * FLUSH) is not a reason to refuse traffic: the probe loads what is missing and reports the result.
 */
export function createReadiness(store: RedisHealth): Readiness {
  const check = async (): Promise<ReadinessReport> => {
    await store.ping();
    await store.loadMissingScripts();
    return { ready: true, checks: { redis: "ok", scripts: "ok" } };
  };
  return async () => {
    try {
      return await withTimeout(check(), "redis");
    } catch (error) {
      const reason = (error as Error).message;
      return { ready: false, checks: { redis: reason, scripts: "unknown" } };
    }
  };
}
