import type { Redis } from "ioredis";

/**
 * The set of queue names, for stats and the reaper. Queues are created on the fly: the first
 * enqueue a process sees for a name adds it (SADD is idempotent, so several processes may).
 * It is kept out of the enqueue script because it is not in the queue's cluster slot.
 */
export interface QueueRegistry {
  /** Adds the name unless this process already knows it; runs alongside the enqueue itself. */
  ensure(name: string): Promise<unknown>;
  list(): Promise<string[]>;
}

export function createQueueRegistry(redis: Redis, key: string): QueueRegistry {
  const known = new Set<string>();
  return {
    async ensure(name) {
      if (known.has(name)) return;
      await redis.sadd(key, name);
      known.add(name);
    },
    async list() {
      const names = await redis.smembers(key);
      for (const name of names) known.add(name);
      return names.sort();
    },
  };
}
