import { randomUUID } from "node:crypto";
import { invalidArgument } from "../../errors/presque-error.ts";
import type { Engine } from "../engine.ts";
import type { JobView } from "../model/job.ts";
import type { Validator } from "../model/validate.ts";
import type { Waiter, WakeHub } from "../store/wake-hub.ts";
import { createLeaseLedger, type LeaseLedger, leaseKey } from "./lease-ledger.ts";
import type { SubscriberLeases } from "./subscriber-leases.ts";

export interface SubscribeOptions {
  /** Highest priority first; at least one, no duplicates. */
  queues: string[];
  /** Credit: most jobs sent and not yet settled; default 1. */
  prefetch?: number;
  /** Lease of each job; "default": each queue's own setting. */
  leaseMs: number | "default";
  /** Send a heartbeat after this long without another event; default 15 s. */
  heartbeatMs?: number;
  /** Ends the subscription: the client went away, or the server is shutting down. */
  signal: AbortSignal;
  /**
   * Aborted when the server shuts down. Then the leases are kept, not released: a worker can still
   * finish and ack its jobs through another presque process, and the rest expire there.
   */
  shutdownSignal: AbortSignal;
}

export interface SubscribedEvent {
  type: "subscribed";
  subscriptionId: string;
  prefetch: number;
  leaseMs: number | "default";
  heartbeatMs: number;
}
export interface HeartbeatEvent {
  type: "heartbeat";
}
export interface JobEvent {
  type: "job";
  job: JobView;
}
/** Jobs of one refill of credit, in fetch order (Subscriptions.subscribeInBatches). */
export interface JobsEvent {
  type: "jobs";
  jobs: JobView[];
}

/** One job per event. */
export type SubscriptionEvent = SubscribedEvent | JobEvent | HeartbeatEvent;
/** Several jobs per event. */
export type BatchedSubscriptionEvent = SubscribedEvent | JobsEvent | HeartbeatEvent;

/** How fetched jobs become events. */
export interface JobEvents<Event> {
  /** Most jobs one fetch takes; the rest of the free credit is fetched, and sent, next. */
  perFetch: number;
  /** The events of one fetch's jobs, in order. */
  of(jobs: JobView[]): Iterable<Event>;
}

/**
 * Made once the options are checked, with the engine's checks, so an option of the event shape
 * is refused on the first step, as the others are.
 */
export type JobEventsOf<Event> = (validate: Validator) => JobEvents<Event>;

export interface SubscriptionDeps {
  engine: Engine;
  wakeHub: WakeHub;
  leases: SubscriberLeases;
  /** Told which subscription holds which job (by leaseKey), so an ack in this process returns its credit. */
  holders: {
    hold(ledger: LeaseLedger, key: string): void;
    forget(ledger: LeaseLedger, key: string): void;
  };
  onError: (error: unknown) => void;
}

const defaultHeartbeatMs = 15_000;

/**
 * One subscriber's stream of events. No polling: before trying the queues it registers a wake
 * waiter on each of them, so a job enqueued between a failed fetch and the wait still wakes it.
 */
export async function* runSubscription<Event>(
  deps: SubscriptionDeps,
  options: SubscribeOptions,
  jobEventsOf: JobEventsOf<Event>,
): AsyncGenerator<SubscribedEvent | HeartbeatEvent | Event> {
  const { engine, wakeHub, leases } = deps;
  const { queues, signal, leaseMs } = checkOptions(engine, options);
  const prefetch = engine.validate.batchSize(options.prefetch ?? 1, "prefetch");
  const jobEvents = jobEventsOf(engine.validate);
  const heartbeatMs = options.heartbeatMs ?? defaultHeartbeatMs;
  const ledger = createLeaseLedger();

  /** Jobs of earlier queues first, up to the free credit. */
  const fetchInOrder = async (free: number): Promise<JobView[]> => {
    const jobs: JobView[] = [];
    for (const queue of queues) {
      if (jobs.length >= free) break;
      const result = await engine.jobs.fetch(queue, { count: free - jobs.length, leaseMs });
      jobs.push(...result.jobs);
    }
    return jobs;
  };

  /** Credit also comes back for leases settled where we cannot see it (another process) or expired. */
  const dropLostLeases = async () => {
    const held = [...ledger.entries()];
    const still = await leases.stillHeld(held.map(([, lease]) => lease));
    held.forEach(([key], i) => {
      if (still[i]) return;
      ledger.settle(key);
      deps.holders.forget(ledger, key);
    });
  };

  // Queues whose wake this subscription owns (see WakeHub): its next fetch decides whether to
  // pass each on; whatever it cannot fetch now goes on to the next waiter at once.
  let woken: string[] = [];
  const passOnWakes = () => {
    for (const queue of woken) wakeHub.passOn(queue);
    woken = [];
  };
  try {
    // Connect sends the response headers with the first message only, so say hello at once.
    yield { type: "subscribed", subscriptionId: randomUUID(), prefetch, leaseMs, heartbeatMs };
    let lastEventAt = Date.now();
    while (!signal.aborted) {
      const quietMs = heartbeatMs - (Date.now() - lastEventAt);
      if (quietMs <= 0) {
        await dropLostLeases();
        yield { type: "heartbeat" };
        lastEventAt = Date.now();
        continue;
      }
      const free = prefetch - ledger.size;
      if (free <= 0) {
        passOnWakes(); // no credit to fetch with: another consumer may
        await ledger.waitForCredit(quietMs, signal);
        continue;
      }
      const count = Math.min(free, jobEvents.perFetch);
      // One queue (the usual case) can take a hand-off: an enqueue in this process leases its
      // jobs to the waiting subscription in the same script call (WakeHub.claim). Credit only
      // grows while it waits, so `count` stays within it.
      const handOff =
        queues.length === 1 ? { count, leaseMs: leaseMs === "default" ? -1 : leaseMs } : undefined;
      const waiters = queues.map((queue) => wakeHub.register(queue, handOff));
      let jobs: JobView[];
      try {
        jobs = await fetchInOrder(count);
      } catch (error) {
        for (const waiter of waiters) waiter.cancel();
        throw error;
      }
      if (jobs.length > 0) passOnWakes();
      else woken = [];
      if (jobs.length === 0) {
        woken = await waitForAny(queues, waiters, quietMs, signal);
        jobs = waiters[0]?.handed()?.jobs ?? [];
        if (jobs.length === 0) continue;
      }
      for (const waiter of waiters) waiter.cancel();
      for (const job of jobs) {
        const key = leaseKey(job.queue, job.id);
        ledger.hold(key, { queue: job.queue, id: job.id, leaseToken: job.leaseToken ?? "" });
        deps.holders.hold(ledger, key);
      }
      for (const event of jobEvents.of(jobs)) yield event;
      lastEventAt = Date.now();
    }
    signal.throwIfAborted();
  } finally {
    passOnWakes();
    for (const [key] of ledger.entries()) deps.holders.forget(ledger, key);
    if (!options.shutdownSignal.aborted && ledger.size > 0) {
      await leases.release(ledger.list()).catch(deps.onError);
    }
  }
}

function checkOptions(engine: Engine, options: SubscribeOptions) {
  if (options.queues.length === 0) throw invalidArgument("name at least one queue");
  for (const queue of options.queues) engine.validate.queueName(queue);
  if (new Set(options.queues).size !== options.queues.length) throw invalidArgument("a queue is named twice");
  const heartbeatMs = options.heartbeatMs ?? defaultHeartbeatMs;
  if (!Number.isFinite(heartbeatMs) || heartbeatMs < 1000 || heartbeatMs > 60_000) {
    throw invalidArgument("heartbeat must be from 1 to 60 seconds");
  }
  const leaseMs: number | "default" =
    options.leaseMs === "default" ? "default" : engine.validate.leaseMs(options.leaseMs);
  return { ...options, leaseMs };
}

/** Waits for a wake of any of the queues; resolves with those this subscription now owns. */
async function waitForAny(
  queues: string[],
  waiters: Waiter[],
  timeoutMs: number,
  signal: AbortSignal,
): Promise<string[]> {
  const [only] = waiters;
  // One queue (the usual case): its waiter alone, so the fetch a wake calls for is sent a few
  // microtasks after the wake, not after whatever else this turn of the event loop answers first.
  if (only !== undefined && waiters.length === 1) {
    const outcome = await only.wait(timeoutMs, signal);
    only.cancel();
    return outcome === "woken" ? queues : [];
  }
  const round = new AbortController();
  const either = AbortSignal.any([signal, round.signal]);
  const outcomes = waiters.map((waiter) => waiter.wait(timeoutMs, either));
  await Promise.race(outcomes);
  round.abort();
  const settled = await Promise.all(outcomes);
  // cancelling hands on any wake a waiter was picked for but did not report
  for (const waiter of waiters) waiter.cancel();
  return queues.filter((_, i) => settled[i] === "woken");
}
