import { performance } from "node:perf_hooks";
import type { Store } from "../store/store.ts";
import type { DueHint } from "../store/wake-hub.ts";
import { createRedisClockOffset } from "./redis-clock-offset.ts";
import { startTimedLoop } from "./timed-loop.ts";

export interface Reaper {
  /** One pass over every queue; resolves with the number of jobs moved. */
  sweep(): Promise<number>;
  stop(): void;
}

const perQueueLimit = 1000;
const timerSlackMs = 1;

/**
 * One timer per process (not per job): each pass runs promoteDue for every queue in one pipelined
 * round trip, and learns when the next delayed job or lease of each falls due (Redis clock). The
 * next pass runs at that moment on the local clock (at most intervalMs later), so due jobs become
 * ready within a few milliseconds even when no consumer is fetching; a delayed job this process
 * stores that falls due before the pass already set pulls the pass forward (WakeHub.expectDue).
 * Several processes may sweep one Redis; the script moves each job once.
 */
export function startReaper(options: {
  store: Store;
  intervalMs: number;
  onError: (error: unknown) => void;
}): Reaper {
  const { store, intervalMs } = options;
  const clock = createRedisClockOffset();
  /** The queues of the last pass's registry read. */
  let known: string[] = [];
  /** The local moment (performance.now()) each queue's next job or lease falls due. */
  const dueAt = new Map<string, number>();

  /** promoteDue over `queues`; resolves with the jobs moved and when the next pass is due. */
  const promote = async (queues: string[], listed: Promise<string[]>) => {
    const sentAt = performance.now();
    const [names, replies] = await Promise.all([listed, store.queues.promoteDue(queues, perQueueLimit)]);
    const receivedAt = performance.now();
    known = names;
    const swept = new Set(queues);
    let moved = 0;
    // a queue new to the registry gets its pass at once
    let next = names.some((name) => !swept.has(name)) ? receivedAt : receivedAt + intervalMs;
    replies.forEach(({ moved: count, nextDue, now }, i) => {
      const queue = queues[i] as string;
      moved += count;
      clock.observe(now, receivedAt);
      if (count >= perQueueLimit) next = receivedAt; // more than a pass's worth: go again at once
      if (nextDue < 0) {
        dueAt.delete(queue);
        return;
      }
      let at = clock.localAt(nextDue);
      // Not due yet in Redis though its moment has passed here. Sent before that moment (Node's
      // timers fire up to 1-2 ms early): go again at once. Sent after it, the clocks stepped:
      // wait what Redis says rather than spin.
      if (at <= receivedAt && nextDue > now) at = sentAt < at ? receivedAt : receivedAt + (nextDue - now);
      dueAt.set(queue, at);
      next = Math.min(next, at);
    });
    return { moved, nextInMs: next - performance.now() };
  };

  const pass = () => {
    // Long polls of this process on a queue whose due time has come fetch now: fetchJobs promotes
    // what is due itself, so the job goes out one round trip after it fell due, not after this
    // pass, its PUBLISH and a fetch. Node's timers count whole ms from a cached loop time, so one
    // may fire up to a millisecond before its moment; that still counts as come.
    const start = performance.now() + timerSlackMs;
    for (const [queue, at] of dueAt) {
      if (at > start) continue;
      dueAt.delete(queue);
      store.wake.passOn(queue);
    }
    // The registry is read alongside, not first: one round trip per pass.
    return promote(known, store.registry.list());
  };

  const loop = startTimedLoop({
    pass: async () => (await pass()).nextInMs,
    firstInMs: intervalMs,
    afterErrorMs: intervalMs,
    onError: options.onError,
  });
  const stopListening = store.wake.onExpectDue((_queue, due: DueHint) => {
    const inMs =
      (due.runAtMs !== undefined ? clock.localAt(due.runAtMs) : due.sentAt + due.delayMs) - performance.now();
    // A run_at already past was stored ready; a delay counts from before the enqueue, so a past
    // one may still be ahead in Redis.
    if (due.runAtMs === undefined || inMs > 0) loop.runBy(inMs);
  });
  return {
    sweep: async () => {
      const queues = await store.registry.list();
      return (await promote(queues, Promise.resolve(queues))).moved;
    },
    stop() {
      stopListening();
      loop.stop();
    },
  };
}
