import type { Redis } from "ioredis";
import type { KeySpace } from "./keys.ts";
import { execPipeline } from "./script-runner.ts";

/** Same lifetime as the event counters in the bucket (includes/count-event.lua). */
const bucketTtlSeconds = 3900;

export interface DepthSample {
  queue: string;
  ready: number;
  delayed: number;
  inFlight: number;
}

/** Per-queue minute buckets: event counters written by the scripts, depth samples by presque. */
export interface MinuteStore {
  /** The buckets of these minutes (minute = ms / 60000), in order; {} for a minute with none. */
  read(queue: string, minutes: number[]): Promise<Record<string, string>[]>;
  /** Writes each queue's depth into the bucket of `minute`, keeping the bucket's expiry. */
  writeDepths(minute: number, samples: DepthSample[]): Promise<void>;
}

export function createMinuteStore(redis: Redis, keys: KeySpace): MinuteStore {
  return {
    async read(queue, minutes) {
      const q = keys.queue(queue);
      const pipeline = redis.pipeline();
      for (const minute of minutes) pipeline.hgetall(q.minuteStats(minute));
      return (await execPipeline(pipeline)) as Record<string, string>[];
    },

    async writeDepths(minute, samples) {
      if (samples.length === 0) return;
      const pipeline = redis.pipeline();
      for (const { queue, ready, delayed, inFlight } of samples) {
        const bucket = keys.queue(queue).minuteStats(minute);
        pipeline.hset(bucket, { ready, delayed, inFlight });
        pipeline.expire(bucket, bucketTtlSeconds);
      }
      await execPipeline(pipeline);
    },
  };
}
