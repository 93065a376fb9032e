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
 * ready within a few milliseconds even when no consumer is fetching. A delayed job that becomes
 * its queue's earliest is announced on the due channel by the script that stores it, so one that
 * falls due before the pass already set pulls the pass forward, whichever process stored it
 * (WakeHub.onExpectDue). Several processes may sweep one Redis; the script moves each job once.
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
  // Hears of every job that became its queue's earliest, whichever process stored it (the due
  // channel), and of this process's own delayed jobs at once (expectDue).
  const stopListening = store.wake.onExpectDue((queue, due: DueHint) => {
    const now = performance.now();
    if (due.runAtMs === undefined) {
      // A delay counts from before the enqueue, so a past one may still be ahead in Redis.
      loop.runBy(due.sentAt + due.delayMs - now);
      return;
    }
    const at = clock.localAt(due.runAtMs);
    // A run_at of this process's already past was stored ready; an announced job is delayed.
    if (at <= now && !due.announced) return;
    // A Redis moment is never early here, so the pass may wake this queue's long polls then.
    dueAt.set(queue, Math.min(dueAt.get(queue) ?? Number.POSITIVE_INFINITY, at));
    loop.runBy(at - now);
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
