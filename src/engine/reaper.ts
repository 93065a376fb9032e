import type { Redis } from "ioredis";
import type { KeySpace } from "./keys.ts";
import type { QueueRegistry } from "./queue-registry.ts";
import { runInPipeline } from "./script-loader.ts";

export interface Reaper {
  /** One pass over every queue; resolves with the number of jobs moved. */
  sweep(): Promise<number>;
  stop(): void;
}

/**
 * One timer per process (not per job): every tick, each queue's due delayed jobs and expired
 * leases go back to ready through promoteDue, one pipelined round trip for all queues.
 * Several processes may sweep the same Redis; the script moves each job once.
 */
export function startReaper(options: {
  redis: Redis;
  keys: KeySpace;
  registry: QueueRegistry;
  intervalMs: number;
  onError: (error: unknown) => void;
}): Reaper {
  const { redis, keys, registry } = options;
  const perQueueLimit = 1000;
  let running: Promise<number> | undefined;

  const sweep = async (): Promise<number> => {
    const queues = await registry.list();
    const pipeline = redis.pipeline();
    for (const name of queues) {
      const q = keys.queue(name);
      runInPipeline(
        pipeline,
        "promoteDue",
        [q.ready, q.delayed, q.leased, q.meta],
        [q.jobPrefix, keys.wakeChannel, name, perQueueLimit],
      );
    }
    const replies = (await pipeline.exec()) ?? [];
    let moved = 0;
    for (const [error, count] of replies) {
      if (error) throw error;
      moved += Number(count);
    }
    return moved;
  };

  const timer = setInterval(() => {
    if (running) return;
    running = sweep()
      .catch((error: unknown) => {
        options.onError(error);
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
  }, options.intervalMs);
  timer.unref();

  return {
    sweep,
    stop: () => clearInterval(timer),
  };
}
