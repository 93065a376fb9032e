import { Redis } from "ioredis";
import { inject } from "vitest";

/**
 * Resolves once the test Redis's clock has passed `ms`. Deadlines (leases, expiry, due times) are
 * timed by Redis, and nothing announces that one has passed, so this reads TIME until it has.
 */
export async function redisClockPast(ms: number): Promise<void> {
  const redis = new Redis(inject("redisUrl"));
  try {
    for (;;) {
      const [seconds, micros] = await redis.time();
      if (Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) > ms) return;
    }
  } finally {
    redis.disconnect();
  }
}
