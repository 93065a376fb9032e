import type { Redis } from "ioredis";
import { parseJobHash } from "./job-replies.ts";
import type { KeySpace } from "./keys.ts";
import type { JobView } from "./types.ts";

/** The jobs of `ids` in one pipelined round trip, in order; ids whose job is gone are skipped. */
export async function readJobs(
  redis: Redis,
  keys: KeySpace,
  queue: string,
  ids: string[],
): Promise<JobView[]> {
  if (ids.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.hgetall(keys.job(queue, id));
  const replies = (await pipeline.exec()) ?? [];
  return ids.flatMap((id, i) => {
    const [error, hash] = replies[i] ?? [null, {}];
    if (error) throw error;
    const job = parseJobHash(queue, id, (hash ?? {}) as Record<string, string>);
    return job ? [job] : [];
  });
}
