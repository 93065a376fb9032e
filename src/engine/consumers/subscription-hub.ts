import type { Engine } from "../engine.ts";
import type { SettleObserver } from "../ops/settlements.ts";
import type { WakeHub } from "../store/wake-hub.ts";
import { type LeaseLedger, leaseKey } from "./lease-ledger.ts";
import type { SubscriberLeases } from "./subscriber-leases.ts";
import {
  type BatchedSubscriptionEvent,
  type JobEvent,
  type JobEvents,
  runSubscription,
  type SubscribeOptions,
  type SubscriptionEvent,
} from "./subscription-loop.ts";

/** The live subscriptions of this process. */
export interface Subscriptions {
  /** A subscriber's events until its signal aborts, one job per event; REST and RPC stream this. */
  subscribe(options: SubscribeOptions): AsyncGenerator<SubscriptionEvent>;
  /**
   * The same, with the jobs of one refill of credit in `jobs` events of at most maxJobsPerEvent
   * (1 up to the batch limit; refused with invalid_argument otherwise).
   */
  subscribeInBatches(
    options: SubscribeOptions & { maxJobsPerEvent: number },
  ): AsyncGenerator<BatchedSubscriptionEvent>;
  /**
   * Returns credit to the subscription of this process that was sent the job, on every ack and
   * nack the engine reports. Acks that reach another presque process cannot; that credit comes
   * back at the subscription's next heartbeat, when it sees the lease is gone.
   */
  returnCredit: SettleObserver;
}

export function createSubscriptions(deps: {
  engine: Engine;
  wakeHub: WakeHub;
  leases: SubscriberLeases;
  onError: (error: unknown) => void;
}): Subscriptions {
  /** Which live subscription holds the lease filed under leaseKey(queue, id). */
  const holders = new Map<string, LeaseLedger>();
  const holderMap = {
    hold(ledger: LeaseLedger, key: string) {
      holders.set(key, ledger);
    },
    forget(ledger: LeaseLedger, key: string) {
      if (holders.get(key) === ledger) holders.delete(key);
    },
  };
  const loopDeps = { ...deps, holders: holderMap };

  return {
    subscribe: (options) => runSubscription(loopDeps, options, () => oneJobPerEvent),
    // Checked with the other options, on the first step: a refusal is the stream's error status.
    subscribeInBatches: (options) =>
      runSubscription(loopDeps, options, (validate) => ({
        perFetch: validate.batchSize(options.maxJobsPerEvent, "max_jobs_per_event"),
        of: (jobs) => [{ type: "jobs", jobs }],
      })),
    returnCredit({ queue, id }) {
      const key = leaseKey(queue, id);
      const ledger = holders.get(key);
      if (ledger === undefined) return;
      holders.delete(key);
      ledger.settle(key);
    },
  };
}

/** All the free credit in one fetch, each job its own event. */
const oneJobPerEvent: JobEvents<JobEvent> = {
  perFetch: Number.POSITIVE_INFINITY,
  *of(jobs) {
    for (const job of jobs) yield { type: "job", job };
  },
};
