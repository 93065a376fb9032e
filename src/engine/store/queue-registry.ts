import type { Redis } from "ioredis";

/**
 * The set of queue names, for stats and the reaper. Queues are created on the fly: the first
 * enqueue a process sees for a name adds it (SADD is idempotent, so several processes may).
 * It is kept out of the enqueue script because it is not in the queue's cluster slot.
 */
export interface QueueRegistry {
  /**
   * Adds the name unless this process added it lately (then undefined: no promise in the common
   * case); runs alongside the enqueue itself.
   */
  ensure(name: string): Promise<unknown> | undefined;
  list(): Promise<string[]>;
  /** Forgets a deleted queue's name. */
  remove(name: string): Promise<unknown>;
}

/**
 * A process remembers the names it added for a minute only: when another process deletes a
 * queue, a later enqueue here adds the name back within that minute.
 */
const rememberMs = 60_000;

export function createQueueRegistry(redis: Redis, key: string): QueueRegistry {
  const addedAt = new Map<string, number>();
  return {
    ensure(name) {
      const at = addedAt.get(name);
      if (at !== undefined && Date.now() - at < rememberMs) return undefined;
      return redis.sadd(key, name).then(() => {
        addedAt.set(name, Date.now());
      });
    },
    async list() {
      return (await redis.smembers(key)).sort();
    },
    async remove(name) {
      addedAt.delete(name);
      await redis.srem(key, name);
    },
  };
}
