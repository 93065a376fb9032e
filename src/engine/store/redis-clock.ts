import type { Redis } from "ioredis";

/**
 * Milliseconds from the Redis clock, the one the Lua scripts stamp jobs and minute buckets with,
 * so ages and bucket boundaries agree across presque processes whatever their own clocks say.
 */
export async function redisNowMs(redis: Redis): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}
