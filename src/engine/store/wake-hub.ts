import type { Redis } from "ioredis";

export type WaitOutcome = "woken" | "timeout" | "aborted";

/** A consumer waiting for a queue to get work. */
export interface Waiter {
  /**
   * Resolves "woken" when this waiter was picked for a wake, else "timeout" or "aborted". A caller
   * told "woken" owns the wake: after its next fetch it must call WakeHub.passOn when that fetch
   * took jobs (more may be ready) or failed, and not when it found nothing.
   */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<WaitOutcome>;
  /** Forgets the waiter. A wake it was picked for but never reported as "woken" goes to the next one. */
  cancel(): void;
}

/**
 * When a job just stored as delayed falls due: at `runAtMs` on the Redis clock when set, else
 * `delayMs` after `sentAt` (performance.now() before its enqueue went to Redis, so never later
 * than the due time the script gave it).
 */
export interface DueHint {
  runAtMs?: number;
  delayMs: number;
  sentAt: number;
}

export interface WakeHub {
  /**
   * Registers interest in a queue. Register *before* trying to fetch, then wait: a wake that
   * arrives between the failed fetch and the wait is kept, so no job is missed.
   */
  register(queue: string): Waiter;
  /** Wakes the next waiter of the queue (see Waiter.wait). */
  passOn(queue: string): void;
  /**
   * This process stored a delayed job of `queue`: tells the listeners (the reaper), whose next
   * pass may be scheduled after that job's due time. Call it once the job is in Redis.
   */
  expectDue(queue: string, due: DueHint): void;
  /** Listens to this process's expectDue calls; returns what stops listening. */
  onExpectDue(listener: (queue: string, due: DueHint) => void): () => void;
  close(): Promise<void>;
}

interface Entry {
  picked: boolean;
  /** The owner learnt it was woken (wait returned "woken"), so passing on is its job. */
  observed: boolean;
  fire?: () => void;
}

/**
 * Long-poll without polling. Scripts PUBLISH the queue name on the wake channel when a queue's
 * ready set goes from empty to non-empty; every presque process subscribes once. A wake goes to
 * one waiter (the longest waiting), not to all: with hundreds of idle consumers, waking them all
 * would cost hundreds of fetches per job. The woken consumer fetches and, when it took jobs,
 * passes the wake on, so a burst is drained by a chain of consumers and the chain stops at the
 * first one that finds the queue empty. Each process runs its own chain.
 */
export async function createWakeHub(subscriber: Redis, channel: string): Promise<WakeHub> {
  const waiting = new Map<string, Set<Entry>>();
  const dueListeners = new Set<(queue: string, due: DueHint) => void>();

  const wakeNext = (queue: string) => {
    for (const entry of waiting.get(queue) ?? []) {
      if (entry.picked) continue;
      entry.picked = true;
      entry.fire?.();
      return;
    }
  };

  subscriber.on("message", (_channel: string, queue: string) => wakeNext(queue));
  await subscriber.subscribe(channel);

  return {
    register(queue) {
      const entry: Entry = { picked: false, observed: false };
      let set = waiting.get(queue);
      if (!set) {
        set = new Set();
        waiting.set(queue, set);
      }
      set.add(entry);
      const forget = () => {
        const current = waiting.get(queue);
        current?.delete(entry);
        if (current?.size === 0) waiting.delete(queue);
      };
      return {
        wait(timeoutMs, signal) {
          if (entry.picked) {
            entry.observed = true;
            return Promise.resolve("woken");
          }
          if (signal?.aborted) return Promise.resolve("aborted");
          if (timeoutMs <= 0) return Promise.resolve("timeout");
          return new Promise<WaitOutcome>((resolve) => {
            const settle = (outcome: WaitOutcome) => {
              clearTimeout(timer);
              signal?.removeEventListener("abort", onAbort);
              entry.fire = undefined;
              if (outcome === "woken") entry.observed = true;
              resolve(outcome);
            };
            const onAbort = () => settle("aborted");
            const timer = setTimeout(() => settle("timeout"), timeoutMs);
            signal?.addEventListener("abort", onAbort, { once: true });
            entry.fire = () => settle("woken");
          });
        },
        cancel() {
          forget();
          if (entry.picked && !entry.observed) {
            entry.observed = true;
            wakeNext(queue);
          }
        },
      };
    },
    passOn: wakeNext,
    expectDue(queue, due) {
      for (const listener of dueListeners) listener(queue, due);
    },
    onExpectDue(listener) {
      dueListeners.add(listener);
      return () => dueListeners.delete(listener);
    },
    async close() {
      dueListeners.clear();
      for (const set of waiting.values()) for (const entry of set) entry.fire?.();
      waiting.clear();
      subscriber.disconnect();
    },
  };
}
