import type { Redis } from "ioredis";
import type { KeySpace } from "./keys.ts";
import { replyCodes, unexpected } from "./reply-codes.ts";
import { execPipeline, type ScriptRunner } from "./script-runner.ts";

/** The worker registry in Redis: the workers ZSET and one HASH per worker. */
export interface WorkerStore {
  /**
   * "register" creates or replaces the worker's hash, "beat" updates an existing one; the hash
   * outlives this beat by keepMs. Resolves false when a beat names a worker the registry forgot.
   */
  beat(
    mode: "register" | "beat",
    workerId: string,
    keepMs: number,
    fields: Record<string, string>,
  ): Promise<boolean>;
  /** Resolves false when the registry did not know the worker. */
  remove(workerId: string): Promise<boolean>;
  field(workerId: string, name: string): Promise<string | undefined>;
  /** Every indexed worker with its hash (empty once the hash expired), in one round trip. */
  list(): Promise<{ workerId: string; hash: Record<string, string> }[]>;
  /** Drops index entries whose hash expired. */
  forget(workerIds: string[]): Promise<void>;
}

export function createWorkerStore(redis: Redis, keys: KeySpace, scripts: ScriptRunner): WorkerStore {
  const workerKeys = (workerId: string) => [keys.workers, keys.worker(workerId)];
  return {
    async beat(mode, workerId, keepMs, fields) {
      const args = [mode, workerId, keepMs, ...Object.entries(fields).flat()];
      const [code] = (await scripts.runWithKeys("beatWorker", workerKeys(workerId), args)) as string[];
      if (code === replyCodes.ok) return true;
      if (code === replyCodes.notFound) return false;
      throw unexpected("beatWorker", code);
    },

    async remove(workerId) {
      return Number(await scripts.runWithKeys("removeWorker", workerKeys(workerId), [workerId])) === 1;
    },

    field: async (workerId, name) => (await redis.hget(keys.worker(workerId), name)) ?? undefined,

    async list() {
      const ids = await redis.zrange(keys.workers, "0", "-1");
      if (ids.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.hgetall(keys.worker(id));
      const hashes = (await execPipeline(pipeline)) as Record<string, string>[];
      return ids.map((workerId, i) => ({ workerId, hash: hashes[i] ?? {} }));
    },

    async forget(workerIds) {
      if (workerIds.length > 0) await redis.zrem(keys.workers, ...workerIds);
    },
  };
}
