import type { Redis } from "ioredis";
import type { QueueInfo } from "../model/job.ts";
import type { KeySpace } from "./keys.ts";
import { execPipeline, type ScriptRunner } from "./script-runner.ts";

/** What one promoteDue-10 pass over a queue did. */
export interface PromoteDuePass {
  moved: number;
  /** The next delayed job's due time or lease deadline (ms), -1 when none. */
  nextDue: number;
  /** Redis clock at the pass. */
  now: number;
}

/** Typed wrappers of the per-queue admin scripts, and the settings hash. */
export interface QueueStore {
  /** Up to `limit` jobs per set; resolves with how many went and how many remain. */
  purge(queue: string, limit: number): Promise<{ removed: number; remaining: number }>;
  /** Deletes up to `limit` jobs per set and then the rest of the queue; resolves with what remains. */
  drop(queue: string, limit: number): Promise<number>;
  setStopped(queue: string, stopped: boolean): Promise<void>;
  info(queue: string): Promise<QueueInfo>;
  /** Due delayed jobs and expired leases of every queue, in one pipelined round trip. */
  promoteDue(queues: string[], limit: number): Promise<PromoteDuePass[]>;
  /** The fields stored for the queue (absent ones take the defaults). */
  readSettings(queue: string): Promise<Record<string, string>>;
  /** Sets and removes settings fields atomically. */
  writeSettings(queue: string, set: Record<string, string>, reset: string[]): Promise<void>;
}

export function createQueueStore(redis: Redis, keys: KeySpace, scripts: ScriptRunner): QueueStore {
  return {
    async purge(queue, limit) {
      const [removed, remaining] = (await scripts.run("purgeQueue", queue, [limit])) as [number, number];
      return { removed: Number(removed), remaining: Number(remaining) };
    },

    async drop(queue, limit) {
      const q = keys.queue(queue);
      return Number(await scripts.run("dropQueue", queue, [limit], [q.schedules, q.scheduleDue]));
    },

    async setStopped(queue, stopped) {
      await scripts.run("setStopped", queue, [stopped ? "1" : "0"]);
    },

    async info(queue) {
      const reply = ((await scripts.run("getQueueInfo", queue, [])) as number[]).map(Number);
      const [
        ready,
        delayed,
        inFlight,
        dead,
        done,
        stopped,
        enqueued,
        processed,
        failed,
        expired,
        deadTotal,
        oldest,
      ] = reply;
      const info: QueueInfo = {
        queue,
        ready: ready ?? 0,
        delayed: delayed ?? 0,
        inFlight: inFlight ?? 0,
        dead: dead ?? 0,
        done: done ?? 0,
        stopped: stopped === 1,
        enqueued: enqueued ?? 0,
        processed: processed ?? 0,
        failed: failed ?? 0,
        expiredLeases: expired ?? 0,
        deadTotal: deadTotal ?? 0,
      };
      if (oldest !== undefined && oldest >= 0) info.oldestReadyAt = oldest;
      return info;
    },

    async promoteDue(queues, limit) {
      if (queues.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const name of queues) scripts.queueOn(pipeline, "promoteDue", name, [limit]);
      return ((await execPipeline(pipeline)) as number[][]).map((reply) => {
        const [moved, nextDue, now] = reply.map(Number) as [number, number, number];
        return { moved, nextDue, now };
      });
    },

    readSettings: (queue) => redis.hgetall(keys.queue(queue).settings),

    async writeSettings(queue, set, reset) {
      const key = keys.queue(queue).settings;
      const transaction = redis.multi();
      if (Object.keys(set).length > 0) transaction.hset(key, set);
      if (reset.length > 0) transaction.hdel(key, ...reset);
      await execPipeline(transaction);
    },
  };
}
