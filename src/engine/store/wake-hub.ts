import type { Redis } from "ioredis";
import type { FetchResult } from "../model/job.ts";
import type { HandOff } from "./job-store.ts";

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
  /** The jobs an enqueue leased to this waiter (see WakeHub.claim), once wait said "woken". */
  handed(): FetchResult | undefined;
}

/** A waiting consumer taken by an enqueue, which leases jobs to it in its own script call. */
export interface Claim {
  handOff: HandOff;
  /**
   * Wakes the waiter with the hand-off's jobs (none: a plain wake). False when it stopped waiting
   * meanwhile: the caller gives the jobs back and passes the wake on.
   */
  deliver(result: FetchResult): boolean;
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
  /**
   * The hint came from the due channel, so the job is in the delayed set: a `runAtMs` already
   * past here means due now (a run_at this process passed in may have been stored ready).
   */
  announced?: boolean;
}

export interface WakeHub {
  /**
   * Registers interest in a queue. Register *before* trying to fetch, then wait: a wake that
   * arrives between the failed fetch and the wait is kept, so no job is missed.
   */
  register(queue: string, handOff?: HandOff): Waiter;
  /** Wakes the next waiter of the queue (see Waiter.wait). */
  passOn(queue: string): void;
  /**
   * Takes the queue's next waiter for an enqueue about to be sent, when it is waiting and was
   * registered with a hand-off: that enqueue's script then leases its jobs, saving the waiter a
   * fetch's round trip. Undefined otherwise (the enqueue passes the wake on once answered).
   */
  claim(queue: string): Claim | undefined;
  /** How many consumers of the queue wait now (armed, not yet woken). */
  waiting(queue: string): number;
  /**
   * This process stored a delayed job of `queue`: tells the listeners (the reaper), whose next
   * pass may be scheduled after that job's due time. Call it once the job is in Redis. The due
   * channel tells them too, for a job that became its queue's earliest in any process; this call
   * needs no subscriber, so a process's own jobs still count while its subscriber reconnects.
   */
  expectDue(queue: string, due: DueHint): void;
  /** Listens to expectDue calls and to the due channel's announcements; returns what stops listening. */
  onExpectDue(listener: (queue: string, due: DueHint) => void): () => void;
  close(): Promise<void>;
}

interface Entry {
  picked: boolean;
  handOff?: HandOff;
  /** Taken by a claim whose enqueue has not been answered yet. */
  claimed: boolean;
  handed?: FetchResult;
  /** The owner learnt it was woken (wait returned "woken"), so passing on is its job. */
  observed: boolean;
  fire?: () => void;
}

/** The pub/sub channels of keys.ts that the hub listens on. */
export interface WakeChannels {
  /** A queue's name when its ready index went from empty to non-empty. */
  wake: string;
  /** "<due ms> <queue>" when a delayed job became its queue's earliest (lua/includes/add-delayed.lua). */
  due: string;
}

/**
 * Long-poll without polling. Scripts PUBLISH the queue name on the wake channel when a queue's
 * ready set goes from empty to non-empty; every presque process subscribes once, on one
 * connection that also hears the due channel (for the reaper, see expectDue). A wake goes to
 * one waiter (the longest waiting), not to all: with hundreds of idle consumers, waking them all
 * would cost hundreds of fetches per job. The woken consumer fetches and, when it took jobs,
 * passes the wake on, so a burst is drained by a chain of consumers and the chain stops at the
 * first one that finds the queue empty. Each process runs its own chain.
 */
export async function createWakeHub(subscriber: Redis, channels: WakeChannels): Promise<WakeHub> {
  const waiting = new Map<string, Set<Entry>>();
  const dueListeners = new Set<(queue: string, due: DueHint) => void>();

  /** The queue's longest-waiting entry not yet picked for a wake. */
  const nextOf = (queue: string): Entry | undefined => {
    for (const entry of waiting.get(queue) ?? []) if (!entry.picked) return entry;
    return undefined;
  };
  const wakeNext = (queue: string) => {
    const entry = nextOf(queue);
    if (entry === undefined) return;
    entry.picked = true;
    entry.fire?.();
  };

  const expectDue = (queue: string, due: DueHint) => {
    for (const listener of dueListeners) listener(queue, due);
  };
  const announced = (message: string) => {
    const space = message.indexOf(" ");
    const runAtMs = Number(message.slice(0, space));
    if (space > 0 && Number.isFinite(runAtMs)) {
      expectDue(message.slice(space + 1), { runAtMs, delayMs: 0, sentAt: 0, announced: true });
    }
  };

  subscriber.on("message", (channel: string, message: string) => {
    if (channel === channels.wake) wakeNext(message);
    else if (channel === channels.due) announced(message);
  });
  await subscriber.subscribe(channels.wake, channels.due);

  return {
    register(queue, handOff) {
      const entry: Entry = { picked: false, observed: false, claimed: false, handOff };
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
          // a claimed entry's wake is passed on by its claim's deliver
          if (entry.picked && !entry.observed && !entry.claimed) {
            entry.observed = true;
            wakeNext(queue);
          }
        },
        handed: () => entry.handed,
      };
    },
    passOn: wakeNext,
    waiting(queue) {
      let armed = 0;
      for (const entry of waiting.get(queue) ?? []) if (!entry.picked && entry.fire !== undefined) armed++;
      return armed;
    },
    claim(queue) {
      const entry = nextOf(queue);
      const handOff = entry?.handOff;
      // the longest waiting keeps its turn: no claim when it cannot take one
      if (entry === undefined || handOff === undefined || entry.fire === undefined) return undefined;
      entry.picked = true;
      entry.claimed = true;
      return {
        handOff,
        deliver(result) {
          entry.claimed = false;
          const fire = entry.fire;
          if (fire === undefined) {
            entry.observed = true; // its wake goes on with the caller's passOn, not with cancel
            return false;
          }
          if (result.jobs.length > 0) entry.handed = result;
          fire();
          return true;
        },
      };
    },
    expectDue,
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
