import { tickAfter } from "../ops/schedules.ts";
import type { Store } from "../store/store.ts";
import { startTimedLoop } from "./timed-loop.ts";

export interface ScheduleTicker {
  /** One pass: fires every due tick of every schedule; resolves with how many jobs it enqueued. */
  fireDue(): Promise<number>;
  stop(): void;
}

/**
 * One timer per process. Each pass reads the due schedules of every queue in one pipelined round
 * trip, computes each one's following tick (cron needs a real cron library, so this runs in Node),
 * and fires it with fireSchedule, which enqueues only if the tick is still due: with several presque
 * processes, each tick enqueues exactly once. The next pass runs at the next tick, at most maxIdleMs away.
 */
export function startScheduleTicker(options: {
  store: Store;
  maxIdleMs: number;
  onError: (error: unknown) => void;
}): ScheduleTicker {
  const { store, maxIdleMs } = options;

  const fireDue = async (): Promise<{ fired: number; nextInMs: number }> => {
    const queues = await store.registry.list();
    const [now, ticks] = await Promise.all([store.nowMs(), store.schedules.ticks(queues)]);
    let fired = 0;
    let nextInMs = maxIdleMs;
    for (const [i, queue] of queues.entries()) {
      for (const { name, tick } of ticks[i] ?? []) {
        if (tick > now) {
          nextInMs = Math.min(nextInMs, tick - now);
          continue;
        }
        const definition = await store.schedules.definition(queue, name);
        if (definition === undefined) continue;
        const following = tickAfter(definition, tick, now);
        if (await store.schedules.fire(queue, name, tick, following)) fired += 1;
        nextInMs = Math.min(nextInMs, following - now);
      }
    }
    return { fired, nextInMs: Math.max(0, nextInMs) };
  };

  const loop = startTimedLoop({
    pass: async () => (await fireDue()).nextInMs,
    firstInMs: 0,
    afterErrorMs: maxIdleMs,
    onError: options.onError,
  });
  return { fireDue: async () => (await fireDue()).fired, stop: loop.stop };
}
