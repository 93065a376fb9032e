import type { EngineDeps } from "./engine-deps.ts";
import { redisNowMs } from "./redis-clock.ts";
import { checkTiming, nextTick, type Timing } from "./schedule-timing.ts";
import { runScript } from "./script-loader.ts";

export interface ScheduleDefinition {
  /** Unique within its queue: putting the same name again replaces the schedule. */
  name: string;
  queue: string;
  timing: Timing;
  /** The job each tick enqueues, as JSON text. */
  payload: string;
  priority?: number;
}

export interface ScheduleView extends ScheduleDefinition {
  /** The next tick (ms, Redis clock). */
  nextRunAt: number;
}

export interface Schedules {
  putSchedule(definition: ScheduleDefinition): Promise<ScheduleView>;
  /** Every schedule, or those of one queue. */
  listSchedules(queue?: string): Promise<ScheduleView[]>;
  /** Resolves false when there was no such schedule. */
  deleteSchedule(queue: string, name: string): Promise<boolean>;
}

interface Stored {
  timing: Timing;
  payload: string;
  priority?: number;
  /** Interval ticks are counted from here. */
  anchor: number;
}

export function createSchedules(deps: EngineDeps): Schedules {
  const { redis, keys, registry, validate } = deps;
  const view = (queue: string, name: string, stored: Stored, nextRunAt: number): ScheduleView => ({
    name,
    queue,
    timing: stored.timing,
    payload: stored.payload,
    priority: stored.priority,
    nextRunAt,
  });

  const schedules: Schedules = {
    async putSchedule(definition) {
      const queue = validate.queueName(definition.queue);
      const name = validate.scheduleName(definition.name);
      const timing = checkTiming(definition.timing);
      const priority = validate.priority(definition.priority ?? 0);
      const now = await redisNowMs(redis);
      const stored: Stored = { timing, payload: definition.payload, priority, anchor: now };
      const first = nextTick(timing, now);
      const q = keys.queue(queue);
      await Promise.all([
        registry.ensure(queue),
        runScript(redis, "putSchedule", [q.schedules, q.scheduleDue], [name, JSON.stringify(stored), first]),
      ]);
      return view(queue, name, stored, first);
    },

    async listSchedules(queue) {
      const queues = queue === undefined ? await registry.list() : [validate.queueName(queue)];
      const pipeline = redis.pipeline();
      for (const name of queues) {
        pipeline.hgetall(keys.queue(name).schedules);
        pipeline.zrange(keys.queue(name).scheduleDue, "0", "-1", "WITHSCORES");
      }
      const replies = (await pipeline.exec()) ?? [];
      return queues.flatMap((queueName, i) => {
        const definitions = (replies[2 * i]?.[1] ?? {}) as Record<string, string>;
        const due = (replies[2 * i + 1]?.[1] ?? []) as string[];
        const nextRuns = new Map<string, number>();
        for (let j = 0; j < due.length; j += 2) nextRuns.set(due[j] as string, Number(due[j + 1]));
        return Object.entries(definitions).map(([name, json]) =>
          view(queueName, name, JSON.parse(json) as Stored, nextRuns.get(name) ?? -1),
        );
      });
    },

    async deleteSchedule(queue, name) {
      const q = keys.queue(validate.queueName(queue));
      validate.scheduleName(name);
      return (await runScript(redis, "deleteSchedule", [q.schedules, q.scheduleDue], [name])) === 1;
    },
  };
  return schedules;
}

/** The next tick of a stored schedule after the one being fired. */
export function tickAfter(storedJson: string, tick: number, now: number): number {
  const stored = JSON.parse(storedJson) as Stored;
  return nextTick(stored.timing, Math.max(tick, now), stored.anchor);
}
