import type { Redis } from "ioredis";
import type { KeySpace } from "./keys.ts";
import type { QueueRegistry } from "./queue-registry.ts";
import type { QueueScripts } from "./queue-scripts.ts";
import { redisNowMs } from "./redis-clock.ts";
import { tickAfter } from "./schedules.ts";

export interface Scheduler {
  /** One pass: fires every due tick of every schedule; resolves with how many jobs it enqueued. */
  fireDue(): Promise<number>;
  stop(): void;
}

/**
 * One timer per process. Each pass reads the due schedules of every queue in one pipelined round
 * trip, computes each one's following tick (cron needs a real cron library, so this runs in Node),
 * and fires it with fireSchedule, which enqueues only if the tick is still due: with several presque
 * processes, each tick enqueues exactly once. The next pass runs at the next tick, at most maxIdleMs away.
 */
export function startScheduler(options: {
  redis: Redis;
  keys: KeySpace;
  scripts: QueueScripts;
  registry: QueueRegistry;
  maxIdleMs: number;
  onError: (error: unknown) => void;
}): Scheduler {
  const { redis, keys, scripts, registry, maxIdleMs } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const fireDue = async (): Promise<{ fired: number; nextInMs: number }> => {
    const queues = await registry.list();
    const now = await redisNowMs(redis);
    const pipeline = redis.pipeline();
    for (const queue of queues) pipeline.zrange(keys.queue(queue).scheduleDue, "0", "-1", "WITHSCORES");
    const replies = (await pipeline.exec()) ?? [];
    let fired = 0;
    let nextInMs = maxIdleMs;
    for (const [i, queue] of queues.entries()) {
      const due = (replies[i]?.[1] ?? []) as string[];
      const q = keys.queue(queue);
      for (let j = 0; j < due.length; j += 2) {
        const name = due[j] as string;
        const tick = Number(due[j + 1]);
        if (tick > now) {
          nextInMs = Math.min(nextInMs, tick - now);
          continue;
        }
        const definition = await redis.hget(q.schedules, name);
        if (definition === null) continue;
        const following = tickAfter(definition, tick, now);
        const [ok] = (await scripts.run(
          "fireSchedule",
          queue,
          [name, tick, following],
          [q.schedules, q.scheduleDue],
        )) as number[];
        fired += ok ?? 0;
        nextInMs = Math.min(nextInMs, following - now);
      }
    }
    return { fired, nextInMs: Math.max(0, nextInMs) };
  };

  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      fireDue().then(
        ({ nextInMs }) => schedule(nextInMs),
        (error: unknown) => {
          options.onError(error);
          schedule(maxIdleMs);
        },
      );
    }, delayMs);
    timer.unref();
  };
  schedule(0);

  return {
    fireDue: async () => (await fireDue()).fired,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
