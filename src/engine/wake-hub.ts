import type { Redis } from "ioredis";

/** A consumer waiting for a queue to get work. */
export interface Waiter {
  /** Resolves on a wake for the queue, when timeoutMs passes, or when the signal aborts. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  /** Forgets the waiter without waiting. */
  cancel(): void;
}

export interface WakeHub {
  /**
   * Registers interest in a queue. Register *before* trying to fetch, then wait: a wake that
   * arrives between the failed fetch and the wait is kept, so no job is missed.
   */
  register(queue: string): Waiter;
  close(): Promise<void>;
}

/**
 * Long-poll without polling: scripts PUBLISH the queue name on the wake channel when a queue's
 * ready set goes from empty to non-empty; every presque process subscribes once and wakes all of
 * its waiters for that queue, which then race to fetch. Waiters that lose go back to waiting.
 */
export async function createWakeHub(subscriber: Redis, channel: string): Promise<WakeHub> {
  const waiting = new Map<string, Set<() => void>>();
  subscriber.on("message", (_channel: string, queue: string) => {
    const wakes = waiting.get(queue);
    if (!wakes) return;
    waiting.delete(queue);
    for (const wake of wakes) wake();
  });
  await subscriber.subscribe(channel);

  return {
    register(queue) {
      let woken = false;
      let onWake: (() => void) | undefined;
      const wake = () => {
        woken = true;
        onWake?.();
      };
      let set = waiting.get(queue);
      if (!set) {
        set = new Set();
        waiting.set(queue, set);
      }
      set.add(wake);
      const cancel = () => {
        const current = waiting.get(queue);
        current?.delete(wake);
        if (current?.size === 0) waiting.delete(queue);
      };
      return {
        cancel,
        wait(timeoutMs, signal) {
          if (woken || signal?.aborted || timeoutMs <= 0) {
            cancel();
            return Promise.resolve();
          }
          return new Promise<void>((resolve) => {
            const done = () => {
              clearTimeout(timer);
              signal?.removeEventListener("abort", done);
              cancel();
              resolve();
            };
            const timer = setTimeout(done, timeoutMs);
            signal?.addEventListener("abort", done, { once: true });
            onWake = done;
          });
        },
      };
    },
    async close() {
      for (const wakes of waiting.values()) for (const wake of wakes) wake();
      waiting.clear();
      subscriber.disconnect();
    },
  };
}
