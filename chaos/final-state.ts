import { Redis } from "ioredis";
import { createJobStore } from "../src/engine/store/job-store.ts";
import { createKeySpace } from "../src/engine/store/keys.ts";
import { loadScripts } from "../src/engine/store/script-loader.ts";
import { createScriptRunner } from "../src/engine/store/script-runner.ts";

/** What Redis holds of the queue after the drain: anything here is a stuck job. */
export interface FinalState {
  ready: number;
  delayed: number;
  leased: number;
  dead: number;
  /** Payload keys of the jobs still there (dead letters included), so the checker can account for them. */
  keys: string[];
}

export const prefix = "chaos";
export const queueName = "chaos";

export async function readFinalState(port: number): Promise<FinalState> {
  const redis = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on("error", () => {});
  try {
    await redis.connect();
    const keys = createKeySpace(prefix);
    loadScripts(redis);
    // the store's own reads: job records are packed (see src/engine/store/lua/includes/job-record.lua)
    const jobs = createJobStore(redis, createScriptRunner(redis, keys, "{}"));
    const all = Number.MAX_SAFE_INTEGER;
    const [ready, delayed, leased] = await Promise.all(
      (["ready", "delayed", "leased"] as const).map((state) => jobs.idsAt(queueName, state, 0, all)),
    );
    const dead = await redis.zrange(keys.queue(queueName).dead, "0", "-1");
    const ids = [ready, delayed, leased, dead].flat() as string[];
    const payloads = (await jobs.readMany(queueName, ids)).map((job) => job.payload);
    return {
      ready: ready?.length ?? 0,
      delayed: delayed?.length ?? 0,
      leased: leased?.length ?? 0,
      dead: dead?.length ?? 0,
      keys: payloads.map((text) => {
        try {
          return String((JSON.parse(text ?? "null") as { key?: unknown })?.key ?? "");
        } catch {
          return "";
        }
      }),
    };
  } finally {
    redis.disconnect();
  }
}
