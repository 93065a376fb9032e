import { Redis, type RedisOptions } from "ioredis";
import { defaultConfig, type RedisTarget } from "../../config/config.ts";

/** A command connection; only the store uses its methods, others pass it along. */
export type RedisConnection = Redis;

/**
 * Options every presque connection shares. Auto-pipelining stays off: on loopback it costs
 * consumers throughput (ChasquiMQ measured -38%); presque batches explicitly instead.
 *
 * Deadlines: `commandTimeout` bounds every command, also one waiting in the offline queue while
 * Redis reconnects, so a stalled Redis (SIGSTOP, a long script elsewhere) costs a request at most
 * that long and then a 503. presque sends no blocking command (long polls wait in Node on the
 * wake channel), so no command has a reason to take longer. `maxRetriesPerRequest` fails queued
 * commands after a few reconnect attempts, sooner than the deadline when Redis is plainly down.
 */
const common: RedisOptions = {
  maxRetriesPerRequest: 3,
  enableAutoPipelining: false,
  connectionName: "presque",
};

export interface RedisClientOptions {
  /** Longest wait for one command, in ms (config `redis.command_timeout_ms`). */
  commandTimeoutMs?: number;
}

/** A client for a configured Redis (URL, or the seed's host/port) or a managed one's socket. */
export function createRedisClient(
  target: RedisTarget | { path: string } | { host: string; port: number },
  options: RedisClientOptions = {},
): Redis {
  const shared: RedisOptions = {
    ...common,
    commandTimeout: options.commandTimeoutMs ?? defaultConfig.redisCommandTimeoutMs,
  };
  if ("url" in target && target.url) return new Redis(target.url, shared);
  return new Redis({ ...shared, ...target } as RedisOptions);
}

/**
 * The subscriber of the wake channel: a copy of `redis` whose commands have no deadline. It only
 * (re)subscribes; a SUBSCRIBE cut short by a stall would leave long polls without wake-ups.
 */
export function createSubscriberClient(redis: Redis): Redis {
  return redis.duplicate({ commandTimeout: undefined });
}
