import { invalidArgument } from "../../errors/presque-error.ts";
import type { Engine } from "../engine.ts";
import type { QueueInfo } from "../model/job.ts";
import type { Store } from "../store/store.ts";
import { type MinutePoint, maxHistoryMinutes, readQueueHistory } from "./queue-history.ts";

export interface QueueStats {
  info: QueueInfo;
  /** Jobs per second over the current and the previous minute bucket. */
  enqueueRate: number;
  processRate: number;
  /** Seconds the head of the ready set has waited; 0 when nothing is ready. */
  oldestReadyAgeSeconds: number;
}

export interface StatsSnapshot {
  /** When it was read, Redis clock. */
  atMs: number;
  queues: QueueStats[];
}

/** Read-only views for operators: the dashboard, WatchStats and /metrics share them. */
export interface StatsReader {
  snapshot(): Promise<StatsSnapshot>;
  /** The last `minutes` minute buckets, oldest first; the current minute carries the depth of now. */
  history(queue: string, minutes?: number): Promise<MinutePoint[]>;
}

export function createStatsReader({ engine, store }: { engine: Engine; store: Store }): StatsReader {
  const statsOf = async (queue: string, nowMs: number): Promise<QueueStats> => {
    const [info, recent] = await Promise.all([
      engine.queues.queueInfo(queue),
      readQueueHistory(store, queue, 2, nowMs),
    ]);
    // The engine reads the head of the ready set with the info: the next job to be handed out,
    // which is the oldest ready job unless priorities differ.
    const headAt = info.oldestReadyAt;
    // The window is the whole previous minute plus what has passed of the current one.
    const windowSeconds = 60 + (nowMs % 60_000) / 1000;
    const sum = (field: "enqueued" | "processed") => recent.reduce((total, point) => total + point[field], 0);
    return {
      info,
      enqueueRate: sum("enqueued") / windowSeconds,
      processRate: sum("processed") / windowSeconds,
      oldestReadyAgeSeconds: headAt === undefined ? 0 : Math.max(0, nowMs - headAt) / 1000,
    };
  };

  return {
    async snapshot() {
      const [names, atMs] = await Promise.all([engine.queues.listQueues(), store.nowMs()]);
      return { atMs, queues: await Promise.all(names.map((name) => statsOf(name, atMs))) };
    },

    async history(queue, minutes = maxHistoryMinutes) {
      engine.validate.queueName(queue);
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > maxHistoryMinutes) {
        throw invalidArgument(`minutes must be from 1 to ${maxHistoryMinutes}`);
      }
      const [points, info] = await Promise.all([
        readQueueHistory(store, queue, minutes, await store.nowMs()),
        engine.queues.queueInfo(queue),
      ]);
      // The current minute shows the depth of now, fresher than its last sample (or than none yet).
      const current = points.at(-1);
      if (current)
        Object.assign(current, { ready: info.ready, delayed: info.delayed, inFlight: info.inFlight });
      return points;
    },
  };
}
