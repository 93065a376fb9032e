import type { QueueInfo } from "../model/job.ts";
import { checkSettingsUpdate, mergeSettings, type QueueSettings } from "../model/queue-settings.ts";
import type { OpsDeps } from "./ops-deps.ts";
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

/** Jobs per set per script call, so Redis is never blocked for long. */
const chunk = 1000;

export function createQueueAdmin(deps: OpsDeps): QueueAdmin {
  const { store, validate, defaults } = deps;
  const admin: QueueAdmin = {
    async purge(queue) {
      validate.queueName(queue);
      let purged = 0;
      for (;;) {
        const { removed, remaining } = await store.queues.purge(queue, chunk);
        purged += removed;
        if (remaining === 0 || removed === 0) return purged;
      }
    },

    async deleteQueue(queue) {
      validate.queueName(queue);
      while ((await store.queues.drop(queue, chunk)) > 0) {
        // each call removes up to a chunk of jobs per set
      }
      await store.registry.remove(queue);
    },

    async setStopped(queue, stopped) {
      validate.queueName(queue);
      await Promise.all([store.registry.ensure(queue), store.queues.setStopped(queue, stopped)]);
    },

    async queueInfo(queue) {
      validate.queueName(queue);
      return store.queues.info(queue);
    },

    listQueues: () => store.registry.list(),

    async getSettings(queue) {
      validate.queueName(queue);
      return mergeSettings(defaults, await store.queues.readSettings(queue));
    },

    async updateSettings(queue, update) {
      validate.queueName(queue);
      const { set, reset } = checkSettingsUpdate(update);
      await Promise.all([store.registry.ensure(queue), store.queues.writeSettings(queue, set, reset)]);
      return admin.getSettings(queue);
    },
  };
  return admin;
}
