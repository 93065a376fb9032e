import type { Redis } from "ioredis";
import type { KeySpace } from "./keys.ts";

/**
 * The version of the data layout presque writes under its prefix: 2 is the compact job record
 * (one hash field per job, lua/includes/job-record.lua, and the ready list). Kept in `<p>:layout`.
 */
export const layoutVersion = "2";

/** Queues whose job keys one EXISTS checks. */
const queuesPerCheck = 200;

/**
 * Refuses a Redis whose data under this prefix presque cannot read, else marks the prefix with
 * this layout. Without a marker, jobs in any queue's sets were written by a presque from before
 * the compact record: that layout was never released, so there is no migrator.
 */
export async function checkLayoutVersion(redis: Redis, keys: KeySpace, prefix: string): Promise<void> {
  const found = await redis.get(keys.layout);
  if (found === layoutVersion) return;
  if (found !== null) {
    throw new Error(
      `Redis holds presque data of layout ${found} under the prefix "${prefix}" (${keys.layout}); ` +
        `this presque reads layout ${layoutVersion} only: run the presque that wrote it, or use another prefix`,
    );
  }
  const queues = await redis.smembers(keys.queues);
  for (let at = 0; at < queues.length; at += queuesPerCheck) {
    const names = queues.slice(at, at + queuesPerCheck);
    const found = await redis.exists(...names.flatMap((name) => keys.legacyJobSets(name)));
    if (found > 0) {
      throw new Error(
        `Redis holds jobs of presque's old per-job-hash layout under the prefix "${prefix}" ` +
          `(keys ${prefix}:{<queue>}:job:<id>, no ${keys.layout} key); this presque keeps jobs in ` +
          `layout ${layoutVersion} and does not migrate (no release wrote the old layout): drain or ` +
          `delete the keys ${prefix}:* (or use another prefix) and start again`,
      );
    }
  }
  await redis.set(keys.layout, layoutVersion, "NX");
  const marked = await redis.get(keys.layout);
  if (marked !== layoutVersion) await checkLayoutVersion(redis, keys, prefix);
}
