import type { Store } from "../store/store.ts";
import { startTimedLoop } from "./timed-loop.ts";

export interface Reaper {
  /** One pass over every queue; resolves with the number of jobs moved. */
  sweep(): Promise<number>;
  stop(): void;
}

const perQueueLimit = 1000;

/**
 * One timer per process (not per job): each pass runs promoteDue for every queue in one pipelined
 * round trip, and learns when the next delayed job or lease falls due. The next pass runs then
 * (at most intervalMs later), so due jobs become ready within a few milliseconds even when no
 * consumer is fetching. Several processes may sweep one Redis; the script moves each job once.
 */
export function startReaper(options: {
  store: Store;
  intervalMs: number;
  onError: (error: unknown) => void;
}): Reaper {
  const { store, intervalMs } = options;

  /** One pass: the jobs moved, and when the next pass is due. */
  const pass = async () => {
    const passes = await store.queues.promoteDue(await store.registry.list(), perQueueLimit);
    let moved = 0;
    let nextInMs = intervalMs;
    for (const { moved: count, nextDue, now } of passes) {
      moved += count;
      // more than a pass's worth moved: go again at once
      if (count >= perQueueLimit) nextInMs = 0;
      else if (nextDue >= 0) nextInMs = Math.min(nextInMs, Math.max(0, nextDue - now + 1));
    }
    return { moved, nextInMs };
  };

  const loop = startTimedLoop({
    pass: async () => (await pass()).nextInMs,
    firstInMs: intervalMs,
    afterErrorMs: intervalMs,
    onError: options.onError,
  });
  return { sweep: async () => (await pass()).moved, stop: loop.stop };
}
