import type { Redis } from "ioredis";
import type { QueueRegistry } from "./queue-registry.ts";
import type { QueueScripts } from "./queue-scripts.ts";

export interface Reaper {
  /** One pass over every queue; resolves with the number of jobs moved. */
  sweep(): Promise<number>;
  stop(): void;
}

const perQueueLimit = 1000;

/**
 * One timer per process (not per job): each pass runs promoteDue for every queue in one pipelined
 * round trip, and learns when the next delayed job or lease falls due. The next pass runs then
 * (at most intervalMs later), so due jobs become ready within a few milliseconds even when no
 * consumer is fetching. Several processes may sweep one Redis; the script moves each job once.
 */
export function startReaper(options: {
  scripts: QueueScripts;
  redis: Redis;
  registry: QueueRegistry;
  intervalMs: number;
  onError: (error: unknown) => void;
}): Reaper {
  const { scripts, redis, registry, intervalMs } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let nextInMs = intervalMs;

  const sweep = async (): Promise<number> => {
    const queues = await registry.list();
    const pipeline = redis.pipeline();
    for (const name of queues) scripts.queueOn(pipeline, "promoteDue", name, [perQueueLimit]);
    const replies = (await pipeline.exec()) ?? [];
    let moved = 0;
    nextInMs = intervalMs;
    for (const [error, reply] of replies) {
      if (error) throw error;
      const [count, nextDue, now] = (reply as number[]).map(Number) as [number, number, number];
      moved += count;
      // more than a pass's worth moved: go again at once
      if (count >= perQueueLimit) nextInMs = 0;
      else if (nextDue >= 0) nextInMs = Math.min(nextInMs, Math.max(0, nextDue - now + 1));
    }
    return moved;
  };

  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      sweep()
        .catch((error: unknown) => {
          options.onError(error);
          nextInMs = intervalMs;
        })
        .finally(() => schedule(nextInMs));
    }, delayMs);
    timer.unref();
  };
  schedule(intervalMs);

  return {
    sweep,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
