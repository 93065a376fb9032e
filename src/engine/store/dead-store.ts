import type { Redis } from "ioredis";
import type { KeySpace } from "./keys.ts";
import type { ScriptRunner } from "./script-runner.ts";

/** Dead letters in Redis: a page of the dead ZSET, and typed wrappers of their scripts. */
export interface DeadStore {
  /** (id, death time) pairs with scores in [from, to], skipping `offset`, at most `count`. */
  range(
    queue: string,
    from: number | "-inf",
    to: number | "+inf",
    offset: number,
    count: number,
  ): Promise<{ id: string; diedAt: number }[]>;
  /** Back to ready, attempt 0; resolves with how many moved. */
  redrive(queue: string, ids: string[]): Promise<number>;
  /** Deletes these dead jobs; resolves with how many. */
  deleteIds(queue: string, ids: string[]): Promise<number>;
  /** Deletes up to a chunk of the oldest dead jobs; resolves with how many went and remain. */
  deleteOldest(queue: string): Promise<{ deleted: number; remaining: number }>;
}

export function createDeadStore(redis: Redis, keys: KeySpace, scripts: ScriptRunner): DeadStore {
  return {
    async range(queue, from, to, offset, count) {
      const flat = await redis.zrange(
        keys.queue(queue).dead,
        String(from),
        String(to),
        "BYSCORE",
        "LIMIT",
        offset,
        count,
        "WITHSCORES",
      );
      const entries: { id: string; diedAt: number }[] = [];
      for (let i = 0; i < flat.length; i += 2)
        entries.push({ id: flat[i] as string, diedAt: Number(flat[i + 1]) });
      return entries;
    },

    redrive: async (queue, ids) => Number(await scripts.run("redriveDead", queue, ids)),

    async deleteIds(queue, ids) {
      const [deleted] = (await scripts.run("deleteDead", queue, ["ids", ...ids])) as number[];
      return Number(deleted);
    },

    async deleteOldest(queue) {
      const [deleted, remaining] = (await scripts.run("deleteDead", queue, ["oldest"])) as number[];
      return { deleted: Number(deleted), remaining: Number(remaining) };
    },
  };
}
