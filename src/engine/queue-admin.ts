import type { EngineDeps } from "./engine-deps.ts";
import { checkSettingsUpdate, mergeSettings, type QueueSettings } from "./queue-settings.ts";
import type { QueueInfo } from "./types.ts";

export interface QueueAdmin {
  /** Removes every ready, delayed and leased job; resolves with how many. */
  purge(queue: string): Promise<number>;
  setStopped(queue: string, stopped: boolean): Promise<void>;
  /**
   * Deletes the queue and everything of it (jobs in every state, dead letters, counters, settings,
   * schedules) and forgets its name. A later enqueue creates it anew; job ids are never reused.
   */
  deleteQueue(queue: string): Promise<void>;
  queueInfo(queue: string): Promise<QueueInfo>;
  listQueues(): Promise<string[]>;
  getSettings(queue: string): Promise<QueueSettings>;
  /** Partial update; a null value resets that setting to the default. Resolves with the result. */
  updateSettings(queue: string, update: Record<string, unknown>): Promise<QueueSettings>;
}

export function createQueueAdmin(deps: EngineDeps): QueueAdmin {
  const { redis, keys, scripts, registry, validate, defaults } = deps;
  const admin: QueueAdmin = {
    async purge(queue) {
      validate.queueName(queue);
      let purged = 0;
      for (;;) {
        const [removed, remaining] = (await scripts.run("purgeQueue", queue, [1000])) as [number, number];
        purged += removed;
        if (remaining === 0 || removed === 0) return purged;
      }
    },

    async deleteQueue(queue) {
      validate.queueName(queue);
      const q = keys.queue(queue);
      while (Number(await scripts.run("dropQueue", queue, [1000], [q.schedules, q.scheduleDue])) > 0) {
        // each call removes up to 1000 jobs per set, so Redis is never blocked for long
      }
      await registry.remove(queue);
    },

    async setStopped(queue, stopped) {
      validate.queueName(queue);
      await Promise.all([registry.ensure(queue), scripts.run("setStopped", queue, [stopped ? "1" : "0"])]);
    },

    async queueInfo(queue) {
      validate.queueName(queue);
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
        expiredLeases,
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
        expiredLeases: expiredLeases ?? 0,
        deadTotal: deadTotal ?? 0,
      };
      if (oldest !== undefined && oldest >= 0) info.oldestReadyAt = oldest;
      return info;
    },

    listQueues: () => registry.list(),

    async getSettings(queue) {
      validate.queueName(queue);
      return mergeSettings(defaults, await redis.hgetall(keys.queue(queue).settings));
    },

    async updateSettings(queue, update) {
      validate.queueName(queue);
      const { set, reset } = checkSettingsUpdate(update);
      const key = keys.queue(queue).settings;
      const pipeline = redis.multi();
      if (Object.keys(set).length > 0) pipeline.hset(key, set);
      if (reset.length > 0) pipeline.hdel(key, ...reset);
      await Promise.all([registry.ensure(queue), pipeline.exec()]);
      return admin.getSettings(queue);
    },
  };
  return admin;
}
