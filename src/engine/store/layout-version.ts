import type { Redis } from "ioredis";
import type { KeySpace } from "./keys.ts";
import { execPipeline } from "./script-runner.ts";

/**
 * The version of the data layout presque writes under its prefix: 2 is the compact job record
 * (one hash field per job, lua/includes/job-record.lua, and the ready list). Kept in `<p>:layout`.
 */
export const layoutVersion = "2";

/** Queues looked at per round trip. */
const queuesPerCheck = 200;

/**
 * Refuses a Redis whose data under this prefix presque cannot read, else marks the prefix with
 * this layout. Without a marker (a new prefix, or the key lost: deleted, evicted, a partial
 * restore) the queues are looked at for the old per-job-hash layout's own signs: that layout was
 * never released, so there is no migrator; data of this layout gets its marker back.
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
    if (await holdsOldLayout(redis, keys, queues.slice(at, at + queuesPerCheck))) {
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

/**
 * Whether any of `queues` is in the old layout: its `ready` is a ZSET (a LIST now), or the first
 * id of one of its job sets has an old per-job hash. Two round trips.
 */
async function holdsOldLayout(redis: Redis, keys: KeySpace, queues: string[]): Promise<boolean> {
  const legacy = queues.map((name) => keys.legacyQueue(name));
  const probe = redis.pipeline();
  for (const q of legacy) {
    probe.type(q.ready);
    for (const set of q.jobSets) probe.zrange(set, "0", "0");
  }
  const replies = await execPipeline(probe);
  const perQueue = 1 + (legacy[0]?.jobSets.length ?? 0);
  const jobKeys: string[] = [];
  for (const [i, q] of legacy.entries()) {
    if (replies[i * perQueue] === "zset") return true;
    for (let s = 1; s < perQueue; s++) {
      const [id] = replies[i * perQueue + s] as string[];
      if (id !== undefined) jobKeys.push(q.job(id));
    }
  }
  return jobKeys.length > 0 && (await redis.exists(...jobKeys)) > 0;
}
