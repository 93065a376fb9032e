import { performance } from "node:perf_hooks";

/** How many recent script replies the estimate keeps: a clock step is forgotten after as many. */
const samples = 32;

/**
 * Where the Redis clock stands against this process's performance.now(), so that a due time on
 * the Redis clock (what the scripts stamp) becomes a local moment for a timer. A script reads the
 * Redis clock (whole ms, rounded down) between the request leaving and its reply arriving, so
 * `redisNow - receivedAt` never exceeds the true offset; the largest of the recent ones is the
 * closest, short of it by the fastest reply's latency. A timer set from it is that much late,
 * never early (barring a clock step, which the caller guards against).
 */
export function createRedisClockOffset() {
  const recent: number[] = [];
  let next = 0;
  let best = Number.NEGATIVE_INFINITY;
  return {
    /** A script's Redis time, with the local time its reply arrived (performance.now()). */
    observe(redisNowMs: number, receivedAt: number) {
      recent[next] = redisNowMs - receivedAt;
      next = (next + 1) % samples;
      best = Math.max(...recent);
    },
    /** The local moment (performance.now()) at which the Redis clock reads `redisMs`. */
    localAt(redisMs: number): number {
      // No reply yet: the machine's clock, which Redis on the same host shares.
      const offset = Number.isFinite(best) ? best : Date.now() - performance.now();
      return redisMs - offset;
    },
  };
}
