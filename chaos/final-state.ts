import { Redis } from "ioredis";
import { createKeySpace } from "../src/engine/store/keys.ts";

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
    const q = keys.queue(queueName);
    const [ready, delayed, leased, dead] = await Promise.all(
      [q.ready, q.delayed, q.leased, q.dead].map((key) => redis.zrange(key, "0", "-1")),
    );
    const ids = [ready, delayed, leased, dead].flat() as string[];
    const payloads = await Promise.all(ids.map((id) => redis.hget(keys.job(queueName, id), "payload")));
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
