import type { Redis } from "ioredis";
import type { Engine } from "./create-engine.ts";
import type { KeySpace } from "./keys.ts";
import { redisNowMs } from "./redis-clock.ts";

/** Same lifetime as the event counters in the bucket (includes/count-event.lua). */
const bucketTtlSeconds = 3900;

export interface DepthSampler {
  /** Samples every queue once now (tests; the timer does the same). */
  sampleNow(): Promise<void>;
  stop(): void;
}

/**
 * Depth over time cannot be derived from event counters (purges, expiries), so every presque
 * process writes each queue's ready/delayed/in-flight counts into the current minute bucket every
 * `intervalMs`. Several processes overwrite each other's samples with equally fresh ones, which
 * is fine for a gauge; the bucket keeps its ~65-minute expiry, so retention stays bounded.
 */
export function startDepthSampler(options: {
  engine: Engine;
  redis: Redis;
  keys: KeySpace;
  intervalMs: number;
  onError: (error: unknown) => void;
}): DepthSampler {
  const { engine, redis, keys } = options;
  const sampleNow = async () => {
    const names = await engine.listQueues();
    if (names.length === 0) return;
    const [infos, nowMs] = await Promise.all([
      Promise.all(names.map((name) => engine.queueInfo(name))),
      redisNowMs(redis),
    ]);
    const minute = Math.floor(nowMs / 60_000);
    const pipeline = redis.pipeline();
    for (const info of infos) {
      const bucket = keys.queue(info.queue).minuteStats(minute);
      pipeline.hset(bucket, { ready: info.ready, delayed: info.delayed, inFlight: info.inFlight });
      pipeline.expire(bucket, bucketTtlSeconds);
    }
    await pipeline.exec();
  };
  let running = false;
  const tick = () => {
    if (running) return; // a slow Redis must not pile up passes
    running = true;
    sampleNow()
      .catch(options.onError)
      .finally(() => {
        running = false;
      });
  };
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  tick(); // the current minute gets its depth now, not one interval later
  return { sampleNow, stop: () => clearInterval(timer) };
}
