import { checkTiming, nextTick, type Timing } from "../model/schedule-timing.ts";
import type { OpsDeps } from "./ops-deps.ts";

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

export function createSchedules(deps: OpsDeps): Schedules {
  const { store, validate } = deps;
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
      const now = await store.nowMs();
      const stored: Stored = { timing, payload: definition.payload, priority, anchor: now };
      const first = nextTick(timing, now);
      await Promise.all([
        store.registry.ensure(queue),
        store.schedules.put(queue, name, JSON.stringify(stored), first),
      ]);
      return view(queue, name, stored, first);
    },

    async listSchedules(queue) {
      const queues = queue === undefined ? await store.registry.list() : [validate.queueName(queue)];
      const stored = await store.schedules.list(queues);
      return queues.flatMap((queueName, i) =>
        (stored[i] ?? []).map((entry) =>
          view(queueName, entry.name, JSON.parse(entry.definition) as Stored, entry.nextTick),
        ),
      );
    },

    async deleteSchedule(queue, name) {
      validate.queueName(queue);
      validate.scheduleName(name);
      return store.schedules.delete(queue, name);
    },
  };
  return schedules;
}

/** The next tick of a stored schedule after the one being fired. */
export function tickAfter(storedJson: string, tick: number, now: number): number {
  const stored = JSON.parse(storedJson) as Stored;
  return nextTick(stored.timing, Math.max(tick, now), stored.anchor);
}
