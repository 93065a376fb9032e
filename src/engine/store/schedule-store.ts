import type { Redis } from "ioredis";
import type { KeySpace } from "./keys.ts";
import { replyCodes, unexpected } from "./reply-codes.ts";
import { execPipeline, type ScriptRunner } from "./script-runner.ts";

/** A schedule as stored: its name, its definition (JSON) and its next tick (ms), -1 if unknown. */
export interface StoredSchedule {
  name: string;
  definition: string;
  nextTick: number;
}

/** Recurring schedules in Redis: each queue's definitions HASH and next-tick ZSET. */
export interface ScheduleStore {
  /** Resolves true when the schedule is new, false when it replaced one. */
  put(queue: string, name: string, definition: string, firstTick: number): Promise<boolean>;
  /** Resolves false when there was no such schedule. */
  delete(queue: string, name: string): Promise<boolean>;
  /** Every schedule of each queue, in one round trip; one list per queue, in order. */
  list(queues: string[]): Promise<StoredSchedule[][]>;
  /** Each queue's (name, next tick) pairs, in one round trip; one list per queue, in order. */
  ticks(queues: string[]): Promise<{ name: string; tick: number }[][]>;
  definition(queue: string, name: string): Promise<string | undefined>;
  /** Enqueues the tick's job if `tick` is still the schedule's next one, and moves it to `following`. */
  fire(queue: string, name: string, tick: number, following: number): Promise<boolean>;
}

const pairs = (flat: string[]) => {
  const out: { name: string; tick: number }[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ name: flat[i] as string, tick: Number(flat[i + 1]) });
  return out;
};

export function createScheduleStore(redis: Redis, keys: KeySpace, scripts: ScriptRunner): ScheduleStore {
  const scheduleKeys = (queue: string) => {
    const q = keys.queue(queue);
    return [q.schedules, q.scheduleDue];
  };
  return {
    async put(queue, name, definition, firstTick) {
      return (
        Number(
          await scripts.runWithKeys("putSchedule", scheduleKeys(queue), [name, definition, firstTick]),
        ) === 1
      );
    },

    async delete(queue, name) {
      return Number(await scripts.runWithKeys("deleteSchedule", scheduleKeys(queue), [name])) === 1;
    },

    async list(queues) {
      const pipeline = redis.pipeline();
      for (const queue of queues) {
        pipeline.hgetall(keys.queue(queue).schedules);
        pipeline.zrange(keys.queue(queue).scheduleDue, "0", "-1", "WITHSCORES");
      }
      const replies = await execPipeline(pipeline);
      return queues.map((_, i) => {
        const definitions = (replies[2 * i] ?? {}) as Record<string, string>;
        const next = new Map(pairs((replies[2 * i + 1] ?? []) as string[]).map((p) => [p.name, p.tick]));
        return Object.entries(definitions).map(([name, definition]) => ({
          name,
          definition,
          nextTick: next.get(name) ?? -1,
        }));
      });
    },

    async ticks(queues) {
      const pipeline = redis.pipeline();
      for (const queue of queues) pipeline.zrange(keys.queue(queue).scheduleDue, "0", "-1", "WITHSCORES");
      return ((await execPipeline(pipeline)) as string[][]).map(pairs);
    },

    async definition(queue, name) {
      return (await redis.hget(keys.queue(queue).schedules, name)) ?? undefined;
    },

    async fire(queue, name, tick, following) {
      const [code] = (await scripts.run(
        "fireSchedule",
        queue,
        [name, tick, following],
        scheduleKeys(queue),
      )) as string[];
      if (code === replyCodes.ok) return true;
      if (code === replyCodes.notDue) return false;
      throw unexpected("fireSchedule", code);
    },
  };
}
